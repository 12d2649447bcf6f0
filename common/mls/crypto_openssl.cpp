// SPDX-License-Identifier: Apache-2.0
// AES-128-GCM from OpenSSL (libsodium has only AES-256-GCM, and only on CPUs with AES-NI):
// the AEAD of suite 1, which every MLS implementation must support (RFC 9420 §17.1).
#include "common/mls/crypto_primitives.hpp"

#include <openssl/evp.h>

#include <limits>
#include <memory>
#include <stdexcept>

namespace wardline::mls {
namespace {

struct CtxFree {
    void operator()(EVP_CIPHER_CTX* c) const noexcept { EVP_CIPHER_CTX_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;

int as_int(std::size_t n) {
    return static_cast<int>(n);
}

class Aes128Gcm final : public Aead {
public:
    std::uint16_t id() const noexcept override { return 0x0001; }
    std::size_t key_length() const noexcept override { return 16; }
    std::size_t nonce_length() const noexcept override { return 12; }
    std::size_t tag_length() const noexcept override { return 16; }

    Result<Bytes> seal(ByteView key, ByteView nonce, ByteView aad,
                       ByteView plaintext) const override {
        if (key.size() != key_length() || nonce.size() != nonce_length()) {
            return Error::invalid_key;
        }
        if (too_long(aad) || too_long(plaintext)) return Error::value_too_large;
        CipherCtx ctx(EVP_CIPHER_CTX_new());
        Bytes out(plaintext.size() + tag_length());
        int len = 0;
        int tail = 0;
        if (!ctx ||
            EVP_EncryptInit_ex(ctx.get(), EVP_aes_128_gcm(), nullptr, key.data(), nonce.data()) !=
                1 ||
            (!aad.empty() &&
             EVP_EncryptUpdate(ctx.get(), nullptr, &len, aad.data(), as_int(aad.size())) != 1) ||
            EVP_EncryptUpdate(ctx.get(), out.data(), &len, plaintext.data(),
                              as_int(plaintext.size())) != 1 ||
            EVP_EncryptFinal_ex(ctx.get(), out.data() + len, &tail) != 1 ||
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, as_int(tag_length()),
                                out.data() + plaintext.size()) != 1) {
            throw std::runtime_error("OpenSSL AES-128-GCM encryption failed");
        }
        return out;
    }

    Result<Bytes> open(ByteView key, ByteView nonce, ByteView aad,
                       ByteView ciphertext) const override {
        if (key.size() != key_length() || nonce.size() != nonce_length()) {
            return Error::invalid_key;
        }
        if (ciphertext.size() < tag_length()) return Error::decryption_failed;
        if (too_long(aad) || too_long(ciphertext)) return Error::value_too_large;
        const std::size_t body = ciphertext.size() - tag_length();
        // The tag is handed to OpenSSL through a non-const pointer; copy it.
        Bytes tag(ciphertext.begin() + static_cast<std::ptrdiff_t>(body), ciphertext.end());
        CipherCtx ctx(EVP_CIPHER_CTX_new());
        Bytes out(body);
        int len = 0;
        int tail = 0;
        if (!ctx ||
            EVP_DecryptInit_ex(ctx.get(), EVP_aes_128_gcm(), nullptr, key.data(), nonce.data()) !=
                1 ||
            (!aad.empty() &&
             EVP_DecryptUpdate(ctx.get(), nullptr, &len, aad.data(), as_int(aad.size())) != 1) ||
            EVP_DecryptUpdate(ctx.get(), out.data(), &len, ciphertext.data(), as_int(body)) != 1 ||
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, as_int(tag_length()),
                                tag.data()) != 1) {
            throw std::runtime_error("OpenSSL AES-128-GCM decryption failed to run");
        }
        if (EVP_DecryptFinal_ex(ctx.get(), out.data() + len, &tail) != 1) {
            return Error::decryption_failed;
        }
        return out;
    }

private:
    static bool too_long(ByteView b) {
        return b.size() > static_cast<std::size_t>(std::numeric_limits<int>::max());
    }
};

}  // namespace

const Aead& aes128_gcm() noexcept {
    static const Aes128Gcm aead;
    return aead;
}

}  // namespace wardline::mls
