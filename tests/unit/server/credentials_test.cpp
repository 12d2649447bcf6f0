// SPDX-License-Identifier: Apache-2.0
// The credential operations: RFC 6238 and RFC 4648 vectors, password and username rules,
// sealing, recovery codes and session tokens, each with its bad inputs.
#include "server/identity/credentials.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

namespace wardline::server::identity {
namespace {

namespace fs = std::filesystem;

class CredentialsTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("wardline-cred-" + std::to_string(::getpid()) + "-" +
                                            ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(dir_);
        keyring_ = (dir_ / "k").string();
        add_keyring_key(keyring_);
    }
    void TearDown() override { fs::remove_all(dir_); }
    Credentials make() const { return Credentials(keyring_, 2, 19456u * 1024u, "Wardline"); }
    fs::path dir_;
    std::string keyring_;
};

Bytes bytes(std::string_view s) { return Bytes(s.begin(), s.end()); }

// RFC 6238 Appendix B, SHA-1 rows. The RFC prints 8 digits; a 6-digit code is the last six
// (the value modulo 10^6).
TEST(Totp, MatchesRfc6238AppendixBForSha1) {
    const Bytes seed = bytes("12345678901234567890");
    const std::pair<std::int64_t, const char*> rows[] = {
        {59, "287082"},         {1111111109, "081804"}, {1111111111, "050471"},
        {1234567890, "005924"}, {2000000000, "279037"}, {20000000000, "353130"},
    };
    for (const auto& [t, code] : rows) EXPECT_EQ(totp_code(seed, t), code) << t;
}

TEST(Base32, DecodesRfc4648Section10VectorsWithoutPadding) {
    const std::pair<const char*, const char*> rows[] = {
        {"", ""}, {"f", "MY"}, {"fo", "MZXQ"}, {"foo", "MZXW6"},
        {"foob", "MZXW6YQ"}, {"fooba", "MZXW6YTB"}, {"foobar", "MZXW6YTBOI"},
    };
    for (const auto& [plain, encoded] : rows) {
        const auto decoded = base32_decode(encoded);
        ASSERT_TRUE(decoded) << encoded;
        EXPECT_EQ(std::string(decoded->begin(), decoded->end()), plain);
        EXPECT_EQ(base32_decode(std::string(encoded) + "").value(), bytes(plain));
    }
    EXPECT_EQ(base32_decode("mzxw6ytboi").value(), bytes("foobar"));  // case-insensitive
    EXPECT_FALSE(base32_decode("MZXW6YTB01"));                          // 0 and 1 are not base32
    EXPECT_FALSE(base32_decode("MZXW=="));
    EXPECT_FALSE(base32_decode(std::string("MZ\0XW", 5)));
}

TEST_F(CredentialsTest, TotpAcceptsOneStepEitherSideAndNeverTheSameStepTwice) {
    const auto c = make();
    const auto secret = c.new_totp_secret();
    EXPECT_EQ(secret.size(), 20u);  // 160 bits
    const std::int64_t now = 1'700'000'000;
    const std::int64_t step = now / 30;
    EXPECT_EQ(c.totp_check(secret, totp_code(secret, now), now, 0), step);
    EXPECT_EQ(c.totp_check(secret, totp_code(secret, now - 30), now, 0), step - 1);
    EXPECT_EQ(c.totp_check(secret, totp_code(secret, now + 30), now, 0), step + 1);
    EXPECT_FALSE(c.totp_check(secret, totp_code(secret, now - 60), now, 0));
    EXPECT_FALSE(c.totp_check(secret, totp_code(secret, now + 60), now, 0));
    // Replay: a code of a step at or before the last used one is refused.
    EXPECT_FALSE(c.totp_check(secret, totp_code(secret, now), now, step));
    EXPECT_EQ(c.totp_check(secret, totp_code(secret, now + 30), now, step), step + 1);
}

TEST_F(CredentialsTest, TotpRefusesMalformedCodes) {
    const auto c = make();
    const auto secret = c.new_totp_secret();
    const std::int64_t now = 1'700'000'000;
    const std::string good = totp_code(secret, now);
    for (const std::string& bad : {std::string(), std::string("12345"), good + "0", " " + good, good.substr(0, 5) + "x",
                                  std::string("１２３４５６"), std::string(1000, '1')})
        EXPECT_FALSE(c.totp_check(secret, bad, now, 0)) << bad;
}

TEST_F(CredentialsTest, OtpauthUriNamesIssuerAccountAndParameters) {
    const auto c = make();
    const Bytes secret = bytes("12345678901234567890");
    const auto uri = c.totp_uri("St Mary's", "dr.house", secret);
    EXPECT_EQ(uri.rfind("otpauth://totp/Wardline%20St%20Mary%27s:dr.house?", 0), 0u) << uri;
    EXPECT_NE(uri.find("secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"), std::string::npos) << uri;
    EXPECT_NE(uri.find("&algorithm=SHA1&digits=6&period=30"), std::string::npos) << uri;
    EXPECT_NE(uri.find("&issuer=Wardline%20St%20Mary%27s"), std::string::npos) << uri;
}

TEST_F(CredentialsTest, PasswordRulesFollowNist80063B) {
    const auto c = make();
    EXPECT_NE(c.check_new_password("seven77", "bob", "General", false).find("at least 8"), std::string::npos);
    EXPECT_EQ(c.check_new_password("meadow lantern", "bob", "General", false), "");
    // Privileged roles need 15 code points; é counts once however it is encoded.
    EXPECT_NE(c.check_new_password("meadow lantern", "bob", "General", true), "");
    EXPECT_EQ(c.check_new_password("meadow lantern!", "bob", "General", true), "");
    EXPECT_NE(c.check_new_password("caf\xc3\xa9 caf\xc3\xa9 caf\xc3", "bob", "General", false), "");  // invalid UTF-8
    EXPECT_NE(c.check_new_password(std::string(257, 'x'), "bob", "General", false), "");
    EXPECT_EQ(c.check_new_password(std::string(256, 'x'), "bob", "General", false), "");
    // On the common-password list, case-insensitively.
    EXPECT_NE(c.check_new_password("PassWord1", "bob", "General", false), "");
    EXPECT_NE(c.check_new_password("my-name-is-dr.house!", "Dr.House", "General", false), "");
    EXPECT_NE(c.check_new_password("I work at general hospital", "bob", "General", false), "");
    // No composition rules: lower-case letters and spaces alone are fine.
    EXPECT_EQ(c.check_new_password("purple elephants dance", "bob", "General", false), "");
    // The message never repeats the password.
    EXPECT_EQ(c.check_new_password("tiny", "bob", "General", false).find("tiny"), std::string::npos);
}

TEST_F(CredentialsTest, PasswordHashIsArgon2idAndNormalizesUnicode) {
    const auto c = make();
    const std::string composed = "caf\xc3\xa9 au lait";     // é as one code point
    const std::string decomposed = "cafe\xcc\x81 au lait";  // e + combining acute
    const auto hash = c.hash_password(composed);
    EXPECT_EQ(hash.rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0), 0u) << hash;
    EXPECT_TRUE(c.verify_password(composed, hash));
    EXPECT_TRUE(c.verify_password(decomposed, hash));  // NFKC before hashing
    EXPECT_FALSE(c.verify_password("cafe au lait", hash));
    EXPECT_FALSE(c.verify_password(composed, "not a hash"));
    EXPECT_THROW(Credentials(keyring_, 1, 19456u * 1024u, "W"), std::runtime_error);
    EXPECT_THROW(Credentials(keyring_, 2, 1024u * 1024u, "W"), std::runtime_error);
}

TEST_F(CredentialsTest, UsernamesAreCanonicalAndConfusablesShareASkeleton) {
    const auto c = make();
    const auto forms = [&](std::string_view u) { return std::get<Credentials::UsernameForms>(c.username_forms(u)); };
    EXPECT_EQ(forms("Dr.House").canonical, "dr.house");
    EXPECT_EQ(forms("ＤＲ.house").canonical, "dr.house");  // fullwidth letters fold by NFKC
    EXPECT_EQ(forms("paul").skeleton, forms("p\xd0\xb0ul").skeleton);  // Cyrillic а
    EXPECT_NE(forms("paul").canonical, forms("p\xd0\xb0ul").canonical);
    for (const std::string& bad : {std::string("ab"), std::string(65, 'a'), std::string("with space"), std::string("semi;colon"),
                                  std::string("bad\xff"), std::string("tab\tname"), std::string(300, 'a')})
        EXPECT_TRUE(std::holds_alternative<std::string>(c.username_forms(bad))) << bad;
    EXPECT_FALSE(c.canonical_username("x"));
}

TEST(ProfileText, RefusesInvisibleControlAndDirectionCharacters) {
    const auto check = [](std::string_view text) {
        return Credentials::check_profile_text(text, "the display name", 20, true);
    };
    EXPECT_EQ(check("Dr Adams"), "");
    EXPECT_EQ(check("Schwester Jürgens"), "");
    EXPECT_EQ(check("د. أحمد"), "");  // right-to-left script itself is fine
    for (const char* bad : {"Dr \u202eAdams", "Dr\u200bAdams", "Dr\u200dAdams", "\ufeffDr Adams",
                            "Dr\tAdams", "Dr\u2028Adams", "Dr \u2067Adams\u2069", "Dr\u00adAdams",
                            "Dr \ue000"}) {
        EXPECT_NE(check(bad), "") << bad;
    }
    // Every bidirectional formatting character (Unicode UAX #9 §2): embeddings and overrides,
    // isolates, the implicit marks and the Arabic letter mark.
    for (const char* bidi : {"\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067",
                             "\u2068", "\u2069", "\u200e", "\u200f", "\u061c"}) {
        EXPECT_EQ(check(std::string("Dr ") + bidi + "Adams"),
                  "the display name must not contain invisible, control or text-direction "
                  "characters")
            << bidi;
    }
    EXPECT_EQ(check("\xff\xfe"), "the display name must be valid UTF-8 text");
    EXPECT_EQ(check("  "), "the display name must not be blank");
    EXPECT_EQ(check(""), "the display name must not be blank");
    EXPECT_EQ(Credentials::check_profile_text("", "the job title", 20, false), "");
    EXPECT_EQ(check("ééééééééééééééééééééé"), "the display name has at most 20 characters");
    EXPECT_EQ(check("éééééééééééééééééééé"), "");  // 20 code points, 40 bytes
}

TEST_F(CredentialsTest, SealedSecretsOpenOnlyWithTheirKeyAndAssociatedData) {
    auto c = make();
    const Bytes secret = bytes("top secret totp seed");
    const auto sealed = c.seal(secret, "totp:user-1");
    EXPECT_EQ(c.open(sealed, "totp:user-1"), secret);
    EXPECT_FALSE(c.open(sealed, "totp:user-2"));  // moved to another row
    auto tampered = sealed;
    tampered.back() ^= 1;
    EXPECT_FALSE(c.open(tampered, "totp:user-1"));
    EXPECT_FALSE(c.open(Bytes(sealed.begin(), sealed.begin() + 20), "totp:user-1"));
    EXPECT_FALSE(c.open(Bytes{}, "totp:user-1"));
    auto other_id = sealed;
    other_id[4] ^= 7;  // a key id the keyring does not have
    EXPECT_FALSE(c.open(other_id, "totp:user-1"));
    // Rotation: a new key seals, the old one still opens.
    EXPECT_EQ(add_keyring_key(keyring_), 2u);
    const auto rotated = make();
    EXPECT_EQ(rotated.open(sealed, "totp:user-1"), secret);
    const auto resealed = rotated.seal(secret, "totp:user-1");
    EXPECT_EQ(resealed[4], 2);
    EXPECT_FALSE(c.open(resealed, "totp:user-1"));  // the old keyring lacks key 2
}

TEST_F(CredentialsTest, BrokenKeyringFilesAreRefusedWithoutEchoingKeys) {
    for (const std::string& text : {std::string(""), std::string("# only a comment\n"), std::string("1 c2hvcnQ=\n"),
                                   std::string("0 AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n"),
                                   std::string("x AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n")}) {
        std::ofstream(keyring_, std::ios::trunc) << text;
        try {
            make();
            ADD_FAILURE() << "accepted: " << text;
        } catch (const std::runtime_error& e) {
            EXPECT_EQ(std::string(e.what()).find("AAECAw"), std::string::npos);
            EXPECT_NE(std::string(e.what()).find("identity.sealing_keyring_file"), std::string::npos);
        }
    }
    EXPECT_THROW(Credentials((dir_ / "absent").string(), 2, 19456u * 1024u, "W"), std::runtime_error);
}

TEST_F(CredentialsTest, RecoveryCodesAreTenDistinctAndMatchAsTypedOnly) {
    const auto c = make();
    const auto codes = c.new_recovery_codes();
    ASSERT_EQ(codes.size(), 10u);
    EXPECT_EQ(std::set<std::string>(codes.begin(), codes.end()).size(), 10u);
    const auto h = c.recovery_code_hash(codes[0]);
    ASSERT_TRUE(h);
    std::string shouted = codes[0];
    for (auto& ch : shouted) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    EXPECT_EQ(c.recovery_code_hash(shouted), h);  // case and dashes do not matter
    EXPECT_NE(c.recovery_code_hash(codes[1]), h);
    EXPECT_FALSE(c.recovery_code_hash(""));
    EXPECT_FALSE(c.recovery_code_hash(codes[0] + "a"));
    EXPECT_FALSE(c.recovery_code_hash(std::string(100, 'a')));
    EXPECT_FALSE(c.recovery_code_hash("0000-0000-0000-0000"));  // 0 is not in the alphabet
}

TEST_F(CredentialsTest, SessionTokensAre256BitsAndOnlyTheirHashIsComparable) {
    const auto c = make();
    const auto a = c.new_session_token();
    const auto b = c.new_session_token();
    EXPECT_EQ(a.text.size(), 43u);  // 32 bytes, base64url without padding
    EXPECT_NE(a.text, b.text);
    EXPECT_EQ(c.session_token_hash(a.text), a.hash);
    EXPECT_NE(a.hash, b.hash);
    EXPECT_FALSE(c.session_token_hash(""));
    EXPECT_FALSE(c.session_token_hash(a.text + "A"));
    EXPECT_FALSE(c.session_token_hash(a.text.substr(1)));
    EXPECT_FALSE(c.session_token_hash(std::string(43, '!')));
}

}  // namespace
}  // namespace wardline::server::identity
