// SPDX-License-Identifier: Apache-2.0
// crypto-basics.json of the IETF MLS test vectors for suites 1 and 3: RefHash,
// ExpandWithLabel, DeriveSecret, DeriveTreeSecret and SignWithLabel. (EncryptWithLabel needs
// HPKE, which is not built yet: issue #4.)
#include "common/mls/cipher_suite.hpp"
#include "tests/unit/mls/mls_vectors.hpp"

#include <gtest/gtest.h>

namespace wardline::mls {
namespace {

using test::from_hex;

std::string str(const nlohmann::json& j) { return j.get<std::string>(); }

TEST(CryptoBasicsVectors, LabelledFunctionsAndSignaturesOfSuites1And3) {
    const auto vectors = test::load_vectors("crypto-basics.json");
    int checked = 0;
    for (const auto& v : vectors) {
        const auto id = v.at("cipher_suite").get<std::uint16_t>();
        const CipherSuite* cs = suite_for(id);
        if (id == kSuite1 || id == kSuite3) {
            ASSERT_NE(cs, nullptr) << id;
        } else {
            EXPECT_EQ(cs, nullptr) << "suite " << id << " is not supported";
            continue;
        }
        SCOPED_TRACE("cipher suite " + std::to_string(id));
        const auto& rh = v.at("ref_hash");
        EXPECT_EQ(ref_hash(*cs, str(rh.at("label")), from_hex(str(rh.at("value")))).value(), from_hex(str(rh.at("out"))));

        const auto& ewl = v.at("expand_with_label");
        EXPECT_EQ(expand_with_label(*cs, from_hex(str(ewl.at("secret"))), str(ewl.at("label")),
                                    from_hex(str(ewl.at("context"))), ewl.at("length").get<std::uint16_t>())
                      .value(),
                  from_hex(str(ewl.at("out"))));

        const auto& ds = v.at("derive_secret");
        EXPECT_EQ(derive_secret(*cs, from_hex(str(ds.at("secret"))), str(ds.at("label"))).value(),
                  from_hex(str(ds.at("out"))));

        const auto& dts = v.at("derive_tree_secret");
        EXPECT_EQ(derive_tree_secret(*cs, from_hex(str(dts.at("secret"))), str(dts.at("label")),
                                     dts.at("generation").get<std::uint32_t>(), dts.at("length").get<std::uint16_t>())
                      .value(),
                  from_hex(str(dts.at("out"))));

        const auto& swl = v.at("sign_with_label");
        const auto priv = from_hex(str(swl.at("priv")));
        const auto pub = from_hex(str(swl.at("pub")));
        const auto content = from_hex(str(swl.at("content")));
        const auto signature = from_hex(str(swl.at("signature")));
        const auto label = str(swl.at("label"));
        EXPECT_TRUE(verify_with_label(*cs, pub, label, content, signature));
        // Ed25519 is deterministic: our signature is the vector's.
        EXPECT_EQ(sign_with_label(*cs, priv, label, content).value(), signature);
        // Refusals: another label, altered content, altered signature.
        EXPECT_FALSE(verify_with_label(*cs, pub, label + "x", content, signature));
        auto altered = content;
        altered.push_back(0);
        EXPECT_FALSE(verify_with_label(*cs, pub, label, altered, signature));
        auto bad_sig = signature;
        bad_sig[0] ^= 1;
        EXPECT_FALSE(verify_with_label(*cs, pub, label, content, bad_sig));
        ++checked;
    }
    EXPECT_EQ(checked, 2) << "one case each for suites 1 and 3";
}

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

// RFC 5869 Appendix A.1 (HKDF-SHA256, basic test case).
TEST(CipherSuite, HkdfMatchesRfc5869TestCase1) {
    const CipherSuite& cs = *suite_for(kSuite1);
    const auto ikm = from_hex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
    const auto salt = from_hex("000102030405060708090a0b0c");
    const auto info = from_hex("f0f1f2f3f4f5f6f7f8f9");
    const auto prk = hkdf_extract(cs, salt, ikm);
    EXPECT_EQ(prk, from_hex("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5"));
    EXPECT_EQ(hkdf_expand(cs, prk, info, 42).value(),
              from_hex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"));
}

}  // namespace
}  // namespace wardline::mls
