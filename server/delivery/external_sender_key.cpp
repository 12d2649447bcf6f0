// SPDX-License-Identifier: Apache-2.0
#include "server/delivery/external_sender_key.hpp"

#include "common/mls/cipher_suite.hpp"
#include "common/mls/proposal.hpp"

#include <sodium.h>
#include <sys/stat.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace wardline::server::delivery {
namespace {

const mls::CipherSuite& suite() {
    return *mls::suite_for(mls::kSuite3);
}

constexpr const char* kHeader =
    "# Wardline MLS external sender key (Ed25519 seed). Keep it secret.";

std::string to_base64(const mls::Bytes& bytes) {
    std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(),
                      sodium_base64_VARIANT_ORIGINAL);
    out.pop_back();
    return out;
}

}  // namespace

ExternalSenderKey ExternalSenderKey::generate() {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
    auto pair = suite().generate_signature_key_pair();
    ExternalSenderKey key;
    key.seed_ = std::move(pair.private_key);
    key.public_key_ = std::move(pair.public_key);
    return key;
}

ExternalSenderKey ExternalSenderKey::load_or_create(const std::string& path) {
    if (path.empty()) throw std::runtime_error("delivery.external_sender_key_file: required");
    if (!std::filesystem::exists(path)) {
        ExternalSenderKey key = generate();
        const auto old_mask = ::umask(077);
        std::string text = to_base64(key.seed_);
        {
            std::ofstream out(path);
            out << kHeader << "\n" << text << "\n";
            out.close();
            sodium_memzero(text.data(), text.size());
            ::umask(old_mask);
            if (!out) throw std::runtime_error("cannot write the external sender key file " + path);
        }
        return key;
    }
    std::ifstream in(path);
    std::string header, text;
    if (!std::getline(in, header) || header != kHeader || !std::getline(in, text))
        throw std::runtime_error("the external sender key file " + path + " is not one");
    ExternalSenderKey key;
    key.seed_.resize(crypto_sign_SEEDBYTES);
    std::size_t length = 0;
    const int decoded =
        sodium_base642bin(key.seed_.data(), key.seed_.size(), text.data(), text.size(), nullptr,
                          &length, nullptr, sodium_base64_VARIANT_ORIGINAL);
    sodium_memzero(text.data(), text.size());
    if (decoded != 0 || length != crypto_sign_SEEDBYTES)
        throw std::runtime_error("the external sender key file " + path + " holds no key");
    auto pub = suite().signature_public_key(key.seed_);
    if (!pub) throw std::runtime_error("the external sender key file " + path + " holds no key");
    key.public_key_ = std::move(*pub);
    return key;
}

mls::ExternalSender ExternalSenderKey::external_sender() const {
    mls::Credential credential;
    credential.credential_type = mls::CredentialType::basic;
    credential.identity.assign(kExternalSenderIdentity.begin(), kExternalSenderIdentity.end());
    return mls::ExternalSender{public_key_, std::move(credential)};
}

nlohmann::json ExternalSenderKey::describe() const {
    return nlohmann::json{{"cipher_suite", mls::kSuite3},
                          {"signature_key", to_base64(public_key_)},
                          {"credential_identity", kExternalSenderIdentity}};
}

mls::Result<mls::MLSMessage> ExternalSenderKey::propose_remove(mls::ByteView group_id,
                                                               std::uint64_t epoch,
                                                               std::uint32_t sender_index,
                                                               std::uint32_t leaf) const {
    return mls::make_external_proposal(suite(), group_id, epoch, sender_index,
                                       mls::Proposal{mls::Remove{leaf}}, seed_);
}

}  // namespace wardline::server::delivery
