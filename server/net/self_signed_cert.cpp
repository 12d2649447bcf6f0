// SPDX-License-Identifier: Apache-2.0
#include "server/net/self_signed_cert.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <stdexcept>

namespace wardline::server {
namespace {

template <class T, void (*F)(T*)>
struct Deleter {
    void operator()(T* p) const { F(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;

struct FileCloser {
    void operator()(FILE* f) const { std::fclose(f); }
};
using FilePtr = std::unique_ptr<FILE, FileCloser>;

void check(bool ok, const char* what) {
    if (!ok) throw std::runtime_error(std::string("self-signed certificate: ") + what);
}

bool is_ip(const std::string& s) {
    unsigned char buf[16];
    return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

void add_extension(X509* cert, int nid, const std::string& value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    check(ext != nullptr, "cannot build an extension");
    const int ok = X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    check(ok == 1, "cannot add an extension");
}

FilePtr open_for_write(const std::string& path, mode_t mode) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0) throw std::runtime_error("self-signed certificate: cannot write " + path);
    ::fchmod(fd, mode);
    FILE* f = ::fdopen(fd, "w");
    if (!f) {
        ::close(fd);
        throw std::runtime_error("self-signed certificate: cannot write " + path);
    }
    return FilePtr(f);
}

}  // namespace

void write_self_signed_certificate(const std::string& certificate_file,
                                   const std::string& private_key_file,
                                   const std::vector<std::string>& names, int valid_days) {
    check(!names.empty(), "at least one name is needed");
    PkeyPtr key(EVP_EC_gen("P-256"));
    check(key != nullptr, "key generation failed");
    X509Ptr cert(X509_new());
    check(cert != nullptr, "out of memory");
    check(X509_set_version(cert.get(), 2) == 1, "cannot set version");

    unsigned char serial[16];
    check(RAND_bytes(serial, sizeof serial) == 1, "no randomness");
    serial[0] &= 0x7f;  // positive
    BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
    check(bn != nullptr && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get())) != nullptr,
          "cannot set serial");
    BN_free(bn);

    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -300);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 60L * 60 * 24 * valid_days);
    check(X509_set_pubkey(cert.get(), key.get()) == 1, "cannot set key");

    X509_NAME* subject = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(subject, "O", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("Wardline (self-signed)"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(names.front().c_str()), -1, -1, 0);
    check(X509_set_issuer_name(cert.get(), subject) == 1, "cannot set issuer");

    std::string san;
    for (const auto& n : names) {
        if (!san.empty()) san += ",";
        san += (is_ip(n) ? "IP:" : "DNS:") + n;
    }
    add_extension(cert.get(), NID_subject_alt_name, san);
    add_extension(cert.get(), NID_basic_constraints, "critical,CA:FALSE");
    add_extension(cert.get(), NID_key_usage, "critical,digitalSignature");
    add_extension(cert.get(), NID_ext_key_usage, "serverAuth");
    check(X509_sign(cert.get(), key.get(), EVP_sha256()) > 0, "signing failed");

    {
        auto f = open_for_write(private_key_file, 0600);
        check(PEM_write_PrivateKey(f.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1,
              "cannot write the key");
    }
    auto f = open_for_write(certificate_file, 0644);
    check(PEM_write_X509(f.get(), cert.get()) == 1, "cannot write the certificate");
}

std::string certificate_sha256_fingerprint(const std::string& certificate_file) {
    FilePtr f(std::fopen(certificate_file.c_str(), "r"));
    if (!f) throw std::runtime_error("cannot read " + certificate_file);
    X509Ptr cert(PEM_read_X509(f.get(), nullptr, nullptr, nullptr));
    if (!cert) throw std::runtime_error("not a PEM certificate: " + certificate_file);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    check(X509_digest(cert.get(), EVP_sha256(), md, &len) == 1, "digest failed");
    std::string out;
    char hex[4];
    for (unsigned i = 0; i < len; ++i) {
        std::snprintf(hex, sizeof hex, i + 1 < len ? "%02X:" : "%02X", md[i]);
        out += hex;
    }
    return out;
}

}  // namespace wardline::server
