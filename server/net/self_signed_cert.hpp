// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <string>
#include <vector>

namespace wardline::server {

/// Writes a self-signed ECDSA P-256 certificate and its private key (PEM; key file mode 0600)
/// for development and tests. `names` become subjectAltName entries: IP addresses as IP,
/// anything else as DNS; the first is also the subject CN. Throws std::runtime_error.
void write_self_signed_certificate(const std::string& certificate_file,
                                   const std::string& private_key_file,
                                   const std::vector<std::string>& names, int valid_days);

/// SHA-256 fingerprint of the certificate in a PEM file, as colon-separated hex (for pinning).
std::string certificate_sha256_fingerprint(const std::string& certificate_file);

}  // namespace wardline::server
