// SPDX-License-Identifier: Apache-2.0
// The primitives under the cipher suites (HKDF, the AEADs, DHKEM(X25519), HPKE, Ed25519) on
// their own: refusals and round trips. crypto-basics.json is run by mls-conformance.
#include "common/mls/cipher_suite.hpp"
#include "common/mls/hpke.hpp"
#include "tests/unit/mls/mls_vectors.hpp"

#include <gtest/gtest.h>

namespace wardline::mls {
namespace {

using test::from_hex;

TEST(CipherSuite, RefusesBadKeysAndOversizedExpansions) {
    const CipherSuite* cs = suite_for(kSuite3);
    ASSERT_NE(cs, nullptr);
    EXPECT_EQ(suite_for(2), nullptr);
    EXPECT_EQ(suite_for(0), nullptr);
    const Bytes short_key(31, 1);
    EXPECT_EQ(cs->sign(short_key, Bytes{1, 2, 3}).error(), Error::invalid_key);
    EXPECT_FALSE(cs->verify(short_key, Bytes{1}, Bytes(64, 0)));
    EXPECT_FALSE(cs->verify(Bytes(32, 0), Bytes{1}, Bytes(63, 0)));
    const Bytes prk(32, 7);
    EXPECT_EQ(hkdf_expand(*cs, prk, {}, 255 * 32 + 1).error(), Error::value_too_large);
    EXPECT_EQ(hkdf_expand(*cs, prk, {}, 255 * 32).value().size(), 255u * 32u);
}

class AeadOfEachSuite : public ::testing::TestWithParam<std::uint16_t> {};

TEST_P(AeadOfEachSuite, SealsOpensAndRefusesEveryAlteration) {
    const Aead& aead = suite_for(GetParam())->aead();
    const Bytes key(aead.key_length(), 0x11);
    const Bytes nonce(aead.nonce_length(), 0x22);
    const Bytes aad = to_bytes("header");
    const Bytes plaintext = to_bytes("potassium 6.1 mmol/L, repeat sample");
    const Bytes ct = aead.seal(key, nonce, aad, plaintext).value();
    ASSERT_EQ(ct.size(), plaintext.size() + aead.tag_length());
    EXPECT_EQ(aead.open(key, nonce, aad, ct).value(), plaintext);
    EXPECT_EQ(aead.open(key, nonce, aad, aead.seal(key, nonce, aad, {}).value()).value(), Bytes{});

    auto flipped = ct;
    flipped[3] ^= 0x01;
    EXPECT_EQ(aead.open(key, nonce, aad, flipped).error(), Error::decryption_failed);
    auto other_key = key;
    other_key[0] ^= 0x80;
    EXPECT_EQ(aead.open(other_key, nonce, aad, ct).error(), Error::decryption_failed);
    auto other_nonce = nonce;
    other_nonce.back() ^= 0x01;
    EXPECT_EQ(aead.open(key, other_nonce, aad, ct).error(), Error::decryption_failed);
    EXPECT_EQ(aead.open(key, nonce, to_bytes("headex"), ct).error(), Error::decryption_failed);
    const Bytes truncated(ct.begin(),
                          ct.begin() + static_cast<std::ptrdiff_t>(aead.tag_length() - 1));
    EXPECT_EQ(aead.open(key, nonce, aad, truncated).error(), Error::decryption_failed);
    EXPECT_EQ(aead.seal(Bytes(aead.key_length() + 1, 0), nonce, aad, plaintext).error(),
              Error::invalid_key);
    EXPECT_EQ(aead.open(key, Bytes(aead.nonce_length() - 1, 0), aad, ct).error(),
              Error::invalid_key);
}

TEST_P(AeadOfEachSuite, HpkeRoundTripsAndRefusesTheWrongKeyOrLowOrderPoints) {
    const CipherSuite& cs = *suite_for(GetParam());
    const KeyPair recipient = cs.kem().generate_key_pair();
    const KeyPair stranger = cs.kem().generate_key_pair();
    const Bytes info = to_bytes("info");
    const Bytes pt = to_bytes("hello");
    const HPKECiphertext ct = hpke_seal_base(cs, recipient.public_key, info, {}, pt).value();
    EXPECT_EQ(hpke_open_base(cs, recipient.private_key, info, {}, ct).value(), pt);
    EXPECT_EQ(hpke_open_base(cs, stranger.private_key, info, {}, ct).error(),
              Error::decryption_failed);
    EXPECT_EQ(hpke_open_base(cs, recipient.private_key, to_bytes("other"), {}, ct).error(),
              Error::decryption_failed);
    // The all-zero point and a short key are refused before any decryption.
    EXPECT_EQ(hpke_seal_base(cs, Bytes(32, 0), info, {}, pt).error(), Error::invalid_key);
    EXPECT_EQ(hpke_seal_base(cs, Bytes(31, 9), info, {}, pt).error(), Error::invalid_key);
    HPKECiphertext zero_enc = ct;
    zero_enc.kem_output.assign(32, 0);
    EXPECT_EQ(hpke_open_base(cs, recipient.private_key, info, {}, zero_enc).error(),
              Error::invalid_key);

    // Both sides of a context export the same secret; DeriveKeyPair is deterministic.
    const HpkeContext sender = hpke_setup_base_sender(cs, recipient.public_key, info).value();
    const HpkeContext receiver =
        hpke_setup_base_receiver(cs, sender.enc, recipient.private_key, info).value();
    EXPECT_EQ(hpke_export(cs, sender.exporter_secret, to_bytes("ctx"), 32).value(),
              hpke_export(cs, receiver.exporter_secret, to_bytes("ctx"), 32).value());
    EXPECT_EQ(cs.kem().derive_key_pair(to_bytes("seed")).value().public_key,
              cs.kem().derive_key_pair(to_bytes("seed")).value().public_key);
}

INSTANTIATE_TEST_SUITE_P(Suites1And3, AeadOfEachSuite, ::testing::Values(kSuite1, kSuite3));

// RFC 5869 Appendix A.1 (HKDF-SHA256, basic test case).
TEST(CipherSuite, HkdfMatchesRfc5869TestCase1) {
    const CipherSuite& cs = *suite_for(kSuite1);
    const auto ikm = from_hex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
    const auto salt = from_hex("000102030405060708090a0b0c");
    const auto info = from_hex("f0f1f2f3f4f5f6f7f8f9");
    const auto prk = hkdf_extract(cs, salt, ikm);
    EXPECT_EQ(prk, from_hex("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5"));
    EXPECT_EQ(hkdf_expand(cs, prk, info, 42).value(),
              from_hex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b"
                       "887185865"));
}

}  // namespace
}  // namespace wardline::mls
