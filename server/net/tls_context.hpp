// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <boost/asio/ssl/context.hpp>

#include <string>

namespace wardline::server {

/// A server TLS context with Mozilla's "intermediate" settings: TLS 1.2 and 1.3 only,
/// AEAD cipher suites with forward secrecy, no compression, no session tickets.
/// Throws std::runtime_error naming the file when the certificate or key cannot be used
/// (a start-up failure).
boost::asio::ssl::context make_server_tls_context(const std::string& certificate_file,
                                                  const std::string& private_key_file);

}  // namespace wardline::server
