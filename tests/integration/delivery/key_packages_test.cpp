// SPDX-License-Identifier: Apache-2.0
// The KeyPackage directory (issue #5) over TLS against a real server and database: upload,
// claim (single use, concurrent claims, last resort), status, the low-stock event, the
// organization boundary, revoked devices, and every refusal with nothing stored.
#include "common/core/device_credential.hpp"
#include "common/proto/protocol.hpp"
#include "tests/integration/identity/identity_fixture.hpp"
#include "tests/support/key_package_builder.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <fstream>
#include <iterator>
#include <map>
#include <set>

namespace wardline::test {
namespace {

using nlohmann::json;

std::string error_code(const json& r) {
    return r.value("status", "") == "error" ? r["error"]["code"].get<std::string>() : "";
}

class KeyPackages : public IdentityFixture {
protected:
    void SetUp() override {
        IdentityFixture::SetUp();
        create_org("General");
        create_org("Other");
        start({{"identity.login_burst", "1000"}});
    }

    std::string org_id(const TestUser& u) {
        auto& id = org_ids_[u.id];
        if (id.empty())
            id = owner()
                     .exec("SELECT org_id FROM users WHERE id = '" + u.id + "'")
                     .text_or_throw(0, 0);
        return id;
    }

    /// A KeyPackage of the user's current device, as its client would make it.
    mls::KeyPackage raw_kp(const TestUser& u, const KeyPackageSpec& spec = {}) {
        return make_test_key_package(signature_key_from_seed(u.device_seed),
                                     device_credential_identity(org_id(u), u.id, u.device_id),
                                     spec);
    }
    std::string kp(const TestUser& u, const KeyPackageSpec& spec = {}) {
        return key_package_base64(raw_kp(u, spec));
    }
    std::vector<std::string> kps(const TestUser& u, int n) {
        std::vector<std::string> out;
        for (int i = 0; i < n; ++i) out.push_back(kp(u));
        return out;
    }

    /// The body of an ok response, checked against the response schema.
    json ok(const std::string& type, const json& r) {
        EXPECT_EQ(r.value("status", ""), "ok") << r.dump();
        if (r.value("status", "") != "ok") return json::object();
        const auto problem = protocol_.check_response(type, r["body"]);
        EXPECT_FALSE(problem.has_value()) << type << ": " << problem.value_or("");
        return r["body"];
    }
    json upload(WsClient& ws, const std::vector<std::string>& regular,
                const std::optional<std::string>& last_resort = std::nullopt) {
        json body{{"key_packages", regular}};
        if (last_resort) body["last_resort"] = *last_resort;
        return ok("key_packages.upload", ws.request("key_packages.upload", body));
    }
    json claim(WsClient& ws, const TestUser& target) {
        return ok("key_packages.claim", ws.request("key_packages.claim", {{"user_id", target.id}}));
    }

    long long stock(const std::string& device_id) {
        return count("SELECT count(*) FROM key_packages WHERE device_id = '" + device_id + "'");
    }

    /// Logs `user` in on a new installation (a fresh identity key, a new device id) with a
    /// recovery code, so that no TOTP step is needed.
    std::unique_ptr<WsClient> second_device(TestUser& user) {
        new_device_key(user);
        user.device_id.clear();
        auto ws = connect();
        auto r = ws->request("auth.login", login_body(*ws, user, user.password));
        EXPECT_EQ(r["body"].value("next", ""), "mfa_verify") << r.dump();
        r = ws->request("auth.mfa_verify", {{"recovery_code", user.recovery_codes.back()}});
        user.recovery_codes.pop_back();
        EXPECT_EQ(r.value("status", ""), "ok") << r.dump();
        user.device_id = r["body"]["session"]["device_id"];
        return ws;
    }

    const proto::Protocol protocol_ = proto::Protocol::load_embedded();
    std::map<std::string, std::string> org_ids_;
};

TEST_F(KeyPackages, ClaimHandsOutWhatWasUploadedOnceThenTheLastResortRepeatedly) {
    TestUser nurse = enroll("General", "nina.nurse", "nurse");
    TestUser doctor = enroll("General", "phil.physician", "physician");
    auto device = logged_in(nurse);
    auto caller = logged_in(doctor);

    EXPECT_EQ(ok("key_packages.status", device->request("key_packages.status")),
              json({{"available", 0}, {"low", true}, {"last_resort", false}}));
    const auto regular = kps(nurse, 3);
    const auto last_resort = kp(nurse);
    EXPECT_EQ(upload(*device, regular, last_resort),
              json({{"stored", 3}, {"available", 3}, {"low", true}, {"last_resort", true}}));
    EXPECT_EQ(ok("key_packages.status", device->request("key_packages.status")),
              json({{"available", 3}, {"low", true}, {"last_resort", true}}));

    // Oldest first, each exactly as uploaded, each once.
    for (int i = 0; i < 3; ++i) {
        const auto body = claim(*caller, nurse);
        ASSERT_EQ(body["devices"].size(), 1u) << body.dump();
        EXPECT_EQ(body["devices"][0]["device_id"], nurse.device_id);
        EXPECT_EQ(body["devices"][0]["key_package"], regular[i]);
        EXPECT_EQ(body["devices"][0]["last_resort"], false);
        EXPECT_EQ(body["missing"], json::array());
        EXPECT_EQ(stock(nurse.device_id), 1 + 2 - i);  // the last resort and what is left
    }
    for (int i = 0; i < 2; ++i) {
        const auto body = claim(*caller, nurse);
        ASSERT_EQ(body["devices"].size(), 1u);
        EXPECT_EQ(body["devices"][0]["key_package"], last_resort);
        EXPECT_EQ(body["devices"][0]["last_resort"], true);
    }
    EXPECT_EQ(stock(nurse.device_id), 1);
    EXPECT_EQ(ok("key_packages.status", device->request("key_packages.status")),
              json({{"available", 0}, {"low", true}, {"last_resort", true}}));

    // A new last resort replaces the old one; regular ones go first again.
    const auto fresh = kp(nurse);
    const auto last_resort_2 = kp(nurse);
    EXPECT_EQ(upload(*device, {fresh}, last_resort_2)["stored"], 1);
    EXPECT_EQ(claim(*caller, nurse)["devices"][0]["key_package"], fresh);
    EXPECT_EQ(claim(*caller, nurse)["devices"][0]["key_package"], last_resort_2);
    EXPECT_EQ(stock(nurse.device_id), 1);

    // Repeats, in one upload or across uploads, are stored once.
    const auto a = kp(nurse);
    const auto b = kp(nurse);
    EXPECT_EQ(upload(*device, {a, a, b})["stored"], 2);
    const auto again = upload(*device, {a});
    EXPECT_EQ(again["stored"], 0);
    EXPECT_EQ(again["available"], 2);

    EXPECT_EQ(audit_count("key_packages.claim", "success"), 7);
    EXPECT_EQ(audit_count("key_packages.upload", "success"), 4);
}

TEST_F(KeyPackages, TwoConcurrentClaimsNeverGetTheSameKeyPackage) {
    TestUser nurse = enroll("General", "nina.nurse", "nurse");
    TestUser first = enroll("General", "first.physician", "physician");
    TestUser second = enroll("General", "second.physician", "physician");
    auto device = logged_in(nurse);
    auto a = logged_in(first);
    auto b = logged_in(second);
    const auto last_resort = kp(nurse);
    for (int round = 0; round < 8; ++round) {
        SCOPED_TRACE(round);
        const auto only = kp(nurse);
        ASSERT_EQ(upload(*device, {only}, last_resort)["available"], 1);
        const std::string frame =
            json{{"type", "key_packages.claim"}, {"body", {{"user_id", nurse.id}}}}.dump();
        // Both on the wire before either answer is read.
        a->send_text(R"({"id":"a",)" + frame.substr(1));
        b->send_text(R"({"id":"b",)" + frame.substr(1));
        const auto ra = a->read_json();
        const auto rb = b->read_json();
        const auto ba = ok("key_packages.claim", ra);
        const auto bb = ok("key_packages.claim", rb);
        ASSERT_EQ(ba["devices"].size(), 1u);
        ASSERT_EQ(bb["devices"].size(), 1u);
        const std::set<std::pair<std::string, bool>> got{
            {ba["devices"][0]["key_package"], ba["devices"][0]["last_resort"]},
            {bb["devices"][0]["key_package"], bb["devices"][0]["last_resort"]}};
        const std::set<std::pair<std::string, bool>> expected{{only, false}, {last_resort, true}};
        EXPECT_EQ(got, expected);
        EXPECT_EQ(stock(nurse.device_id), 1);  // the last resort only
    }
}

TEST_F(KeyPackages, AnotherOrganizationsUserAndAnUnknownIdAnswerTheSameNotFound) {
    TestUser foreign = enroll("Other", "fred.foreign", "nurse");
    TestUser doctor = enroll("General", "phil.physician", "physician");
    {
        auto device = logged_in(foreign);
        upload(*device, kps(foreign, 3), kp(foreign));
    }
    auto caller = logged_in(doctor);
    const auto theirs = caller->request("key_packages.claim", {{"user_id", foreign.id}});
    const auto unknown = caller->request("key_packages.claim",
                                         {{"user_id", "7d1f0c2e-5b3a-4c9d-8e7f-6a5b4c3d2e1f"}});
    const auto not_an_id =
        caller->request("key_packages.claim", {{"user_id", std::string(36, 'z')}});
    EXPECT_EQ(error_code(theirs), "not_found");
    for (const auto& r : {unknown, not_an_id}) {
        EXPECT_EQ(error_code(r), "not_found");
        EXPECT_EQ(r["error"]["message"], theirs["error"]["message"]);
    }
    EXPECT_EQ(stock(foreign.device_id), 4);
    EXPECT_EQ(audit_count("key_packages.claim"), 0);
}

TEST_F(KeyPackages, RevokedDevicesAreNotListedAndTheCallersOwnDeviceIsLeftOut) {
    TestUser nurse = enroll("General", "nina.nurse", "nurse");
    TestUser doctor = enroll("General", "phil.physician", "physician");
    TestUser admin = enroll("General", "ada.admin", "admin");
    auto first = logged_in(nurse);
    const std::string first_device = nurse.device_id;
    upload(*first, kps(nurse, 2));
    auto second = second_device(nurse);
    const std::string second_device_id = nurse.device_id;
    ASSERT_NE(first_device, second_device_id);
    upload(*second, kps(nurse, 2));  // KeyPackages of the second device's own key

    auto caller = logged_in(doctor);
    auto listed = claim(*caller, nurse);
    std::set<std::string> ids;
    for (const auto& d : listed["devices"]) ids.insert(d["device_id"].get<std::string>());
    EXPECT_EQ(ids, (std::set<std::string>{first_device, second_device_id}));

    // Claiming for oneself leaves out the device that asks.
    listed = claim(*first, nurse);
    ASSERT_EQ(listed["devices"].size(), 1u);
    EXPECT_EQ(listed["devices"][0]["device_id"], second_device_id);

    auto admin_ws = logged_in(admin);
    ASSERT_EQ(
        admin_ws->request("devices.revoke", {{"device_id", second_device_id}}).value("status", ""),
        "ok");
    EXPECT_EQ(stock(second_device_id), 0);  // a revoked device's KeyPackages go with it
    listed = claim(*caller, nurse);
    ASSERT_EQ(listed["devices"].size(), 1u);
    EXPECT_EQ(listed["devices"][0]["device_id"], first_device);
    EXPECT_EQ(listed["missing"], json::array());

    // Stock used up and no last resort: the device is listed as missing.
    listed = claim(*caller, nurse);
    EXPECT_EQ(listed["devices"], json::array());
    EXPECT_EQ(listed["missing"], json({first_device}));

    // A suspended user's devices are not handed out.
    ASSERT_EQ(admin_ws->request("users.suspend", {{"user_id", nurse.id}}).value("status", ""),
              "ok");
    EXPECT_EQ(error_code(caller->request("key_packages.claim", {{"user_id", nurse.id}})),
              "conflict");
}

TEST_F(KeyPackages, AClaimThatLeavesTheStockLowTellsTheConnectedDevice) {
    TestUser nurse = enroll("General", "nina.nurse", "nurse");
    TestUser doctor = enroll("General", "phil.physician", "physician");
    auto device = logged_in(nurse);
    auto caller = logged_in(doctor);
    EXPECT_EQ(upload(*device, kps(nurse, 11)),
              json({{"stored", 11}, {"available", 11}, {"low", false}, {"last_resort", false}}));
    claim(*caller, nurse);  // 10 left: not low yet, no event
    claim(*caller, nurse);  // 9 left: low (had the first claim sent one, it would come first)
    const auto event = device->read_json();
    EXPECT_EQ(event.value("event", ""), "key_packages.low") << event.dump();
    EXPECT_EQ(event["body"], json({{"available", 9}}));
    EXPECT_FALSE(protocol_.check_event("key_packages.low", event["body"]).has_value());
    EXPECT_TRUE(caller->events().empty());  // only the device concerned is told
    EXPECT_EQ(ok("key_packages.status", device->request("key_packages.status")),
              json({{"available", 9}, {"low", true}, {"last_resort", false}}));
}

TEST_F(KeyPackages, EveryBadUploadIsRefusedAndNothingIsStored) {
    TestUser nurse = enroll("General", "nina.nurse", "nurse");
    TestUser other = enroll("General", "olga.other", "nurse");
    auto device = logged_in(nurse);
    const std::int64_t day = 24 * 3600;
    const auto good = kp(nurse);

    auto tampered = raw_kp(nurse);
    tampered.signature[3] ^= 0x10;
    auto suite_2 = raw_kp(nurse);
    suite_2.cipher_suite = 2;
    mls::Credential x509;
    x509.credential_type = mls::CredentialType::x509;
    x509.certificates = {mls::Bytes{0x30, 0x00}};
    const auto wrong_key =
        make_test_key_package(mls::suite_for(mls::kSuite3)->generate_signature_key_pair(),
                              device_credential_identity(org_id(nurse), nurse.id, nurse.device_id));
    const auto wrong_identity =
        make_test_key_package(signature_key_from_seed(nurse.device_seed),
                              device_credential_identity(org_id(nurse), nurse.id, other.device_id));
    std::ifstream in(
        std::string(WARDLINE_SOURCE_DIR) + "/tests/fuzz/seeds/mls_messages/mls_message_welcome.bin",
        std::ios::binary);
    const std::vector<std::uint8_t> seed((std::istreambuf_iterator<char>(in)), {});
    ASSERT_GT(seed.size(), 1u);
    const std::vector<std::uint8_t> big(4097, 0x42);

    struct Case {
        const char* name;
        json body;
        std::string message_part;  // what the refusal must say
    };
    const std::vector<Case> cases{
        {"not base64", {{"key_packages", {good, "%%%%"}}}, "key_packages[1] is not base64"},
        {"not an MLSMessage",
         {{"key_packages", {to_base64(std::vector<std::uint8_t>{1, 2, 3})}}},
         "is not an MLSMessage"},
        {"a Welcome",
         {{"key_packages", {to_base64(std::vector<std::uint8_t>(seed.begin() + 1, seed.end()))}}},
         "does not hold a KeyPackage"},
        {"too large", {{"key_packages", {to_base64(big)}}}, "is larger than 4096 bytes"},
        {"suite 2",
         {{"key_packages", {key_package_base64(suite_2)}}},
         "cipher suite other than 1 or 3"},
        {"bad signature",
         {{"key_packages", {good, key_package_base64(tampered)}}},
         "key_packages[1] has a signature that does not verify"},
        {"another key",
         {{"key_packages", {key_package_base64(wrong_key)}}},
         "not this device's registered identity key"},
        {"another device's identity",
         {{"key_packages", {key_package_base64(wrong_identity)}}},
         "does not name this device"},
        {"x509 credential",
         {{"key_packages", {kp(nurse, KeyPackageSpec::with_credential(x509))}}},
         "not a basic credential"},
        {"another user's KeyPackage",
         {{"key_packages", {kp(other)}}},
         "not this device's registered identity key"},
        {"expired",
         {{"key_packages", {kp(nurse, KeyPackageSpec::lifetime(-10 * day, -5))}}},
         "has ended"},
        {"not yet valid",
         {{"key_packages", {kp(nurse, KeyPackageSpec::lifetime(day, 10 * day))}}},
         "has not begun"},
        {"too long",
         {{"key_packages", {kp(nurse, KeyPackageSpec::lifetime(0, 100 * day))}}},
         "longer than 93 days"},
        {"bad last resort",
         {{"key_packages", {good}}, {"last_resort", key_package_base64(tampered)}},
         "last_resort has a signature"},
        {"last resort also regular",
         {{"key_packages", {good}}, {"last_resort", good}},
         "must differ"},
        // Refused by the schema before the handler.
        {"no KeyPackages", {{"key_packages", json::array()}}, "key_packages"},
        {"101 KeyPackages",
         {{"key_packages", std::vector<std::string>(101, good)}},
         "key_packages"},
        {"too long text", {{"key_packages", {std::string(5465, 'A')}}}, "key_packages"},
        {"not a string", {{"key_packages", {42}}}, "key_packages"},
        {"unknown field",
         {{"key_packages", {good}}, {"device_id", nurse.device_id}},
         "unknown field"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        const auto r = device->request("key_packages.upload", c.body);
        ASSERT_EQ(error_code(r), "bad_request") << r.dump().substr(0, 300);
        const std::string message = r["error"]["message"];
        EXPECT_NE(message.find(c.message_part), std::string::npos) << message;
        EXPECT_EQ(message.find(good.substr(0, 24)), std::string::npos) << "key material echoed";
        EXPECT_LT(message.size(), 300u);
        EXPECT_EQ(stock(nurse.device_id), 0);
        // The connection and the server carry on.
        EXPECT_EQ(device->request("key_packages.status").value("status", ""), "ok");
    }
    EXPECT_EQ(audit_count("key_packages.upload"), 0);
    EXPECT_EQ(upload(*device, {good})["stored"], 1);
}

TEST_F(KeyPackages, AStockBeyondFiveHundredIsRefused) {
    TestUser nurse = enroll("General", "nina.nurse", "nurse");
    auto device = logged_in(nurse);
    std::vector<std::string> all;
    for (int batch = 0; batch < 10; ++batch) {
        auto some = kps(nurse, 50);
        all.insert(all.end(), some.begin(), some.end());
        EXPECT_EQ(upload(*device, some)["available"], 50 * (batch + 1));
    }
    const auto r = device->request("key_packages.upload", {{"key_packages", {kp(nurse)}}});
    EXPECT_EQ(error_code(r), "bad_request");
    EXPECT_NE(r["error"].value("message", "").find("more than 500"), std::string::npos) << r.dump();
    EXPECT_EQ(stock(nurse.device_id), 500);
    // A retry of what is stored already does not grow the stock: accepted.
    EXPECT_EQ(upload(*device, {all.front()})["stored"], 0);
}

TEST_F(KeyPackages, RequestsWithoutASessionOrPermissionAreRefusedAndChangeNothing) {
    TestUser nurse = enroll("General", "nina.nurse", "nurse");
    TestUser clerk = enroll("General", "bill.billing", "billing");
    auto device = logged_in(nurse);
    upload(*device, kps(nurse, 2));

    auto anonymous = connect();
    EXPECT_EQ(error_code(anonymous->request("key_packages.status")), "unauthenticated");
    EXPECT_EQ(
        error_code(anonymous->request("key_packages.upload", {{"key_packages", {kp(nurse)}}})),
        "unauthenticated");
    EXPECT_EQ(error_code(anonymous->request("key_packages.claim", {{"user_id", nurse.id}})),
              "unauthenticated");

    // billing has no conversations.create: it cannot claim, but keeps its own device stocked.
    auto billing = logged_in(clerk);
    const auto denied_before = audit_count("authz.denied", "denied");
    EXPECT_EQ(error_code(billing->request("key_packages.claim", {{"user_id", nurse.id}})),
              "forbidden");
    EXPECT_EQ(audit_count("authz.denied", "denied"), denied_before + 1);
    EXPECT_EQ(upload(*billing, kps(clerk, 1))["stored"], 1);

    EXPECT_EQ(stock(nurse.device_id), 2);
    EXPECT_EQ(audit_count("key_packages.claim"), 0);
}

}  // namespace
TEST_F(KeyPackages, TheServersExternalSenderNeedsASessionAndStaysTheSame) {
    auto anonymous = connect();
    EXPECT_EQ(error_code(anonymous->request("delivery.external_sender", json::object())),
              "unauthenticated");
    TestUser nurse = enroll("General", "nora.nurse", "nurse");
    auto first = logged_in(nurse);
    const json described = ok("delivery.external_sender",
                              first->request("delivery.external_sender", json::object()));
    EXPECT_EQ(described.value("cipher_suite", 0), 3);
    EXPECT_EQ(described.value("credential_identity", ""), "wardline-server/1");
    const auto key = described.value("signature_key", "");
    std::vector<unsigned char> raw(64);
    std::size_t length = 0;
    ASSERT_EQ(sodium_base642bin(raw.data(), raw.size(), key.data(), key.size(), nullptr, &length,
                                nullptr, sodium_base64_VARIANT_ORIGINAL),
              0);
    EXPECT_EQ(length, 32u);
    TestUser doctor = enroll("General", "dora.doctor", "physician");
    auto second = logged_in(doctor);
    EXPECT_EQ(ok("delivery.external_sender", second->request("delivery.external_sender", json::object())),
              described);
    EXPECT_EQ(error_code(second->request("delivery.external_sender", {{"extra", 1}})), "bad_request");
}

}  // namespace wardline::test
