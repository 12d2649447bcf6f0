// SPDX-License-Identifier: Apache-2.0
#include "server/net/tls_context.hpp"

#include <openssl/ssl.h>

#include <stdexcept>

namespace wardline::server {
namespace {

// Mozilla Server Side TLS, "intermediate" configuration (TLS 1.2 suites; TLS 1.3 below).
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305";
constexpr const char* kTls13Suites =
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";
constexpr const char* kGroups = "X25519:prime256v1:secp384r1";

}  // namespace

boost::asio::ssl::context make_server_tls_context(const std::string& certificate_file,
                                                  const std::string& private_key_file) {
    namespace ssl = boost::asio::ssl;
    ssl::context ctx(ssl::context::tls_server);
    ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                    ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                    ssl::context::no_compression | ssl::context::single_dh_use);
    SSL_CTX* native = ctx.native_handle();
    SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
    SSL_CTX_set_options(native, SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION);
    if (SSL_CTX_set_cipher_list(native, kTls12Ciphers) != 1 ||
        SSL_CTX_set_ciphersuites(native, kTls13Suites) != 1 ||
        SSL_CTX_set1_groups_list(native, kGroups) != 1)
        throw std::runtime_error("TLS: the cipher configuration was refused by OpenSSL");
    SSL_CTX_set_dh_auto(native, 1);

    boost::system::error_code ec;
    ctx.use_certificate_chain_file(certificate_file, ec);
    if (ec) throw std::runtime_error("TLS: cannot load certificate chain from " + certificate_file);
    ctx.use_private_key_file(private_key_file, ssl::context::pem, ec);
    if (ec) throw std::runtime_error("TLS: cannot load private key from " + private_key_file);
    if (SSL_CTX_check_private_key(native) != 1)
        throw std::runtime_error("TLS: the private key does not match the certificate");
    return ctx;
}

}  // namespace wardline::server
