// SPDX-License-Identifier: Apache-2.0
// Device control (issue #7) against a real server, database and TLS, with real MLS groups:
// quarantine and release, remote wipe and its confirmation, from the administrator's side and
// from the side of everyone who must be refused (a nurse, another organization's
// administrator, another device, the held device itself).
#include "tests/integration/messaging/stream_fixture.hpp"
#include "tests/support/pg_cluster.hpp"

#include <chrono>
#include <thread>

namespace wardline::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class DeviceControl : public StreamFixture {
protected:
    /// The device as users.devices shows it to `admin_ws`.
    json device_of(WsClient& admin_ws, const TestUser& u) {
        const json listed =
            ok("users.devices", admin_ws.request("users.devices", {{"user_id", u.id}}));
        for (const auto& d : listed["devices"])
            if (d["id"] == u.device_id) return d;
        ADD_FAILURE() << "device not listed: " << listed.dump();
        return json::object();
    }

    /// No event of `type` arrives on `ws` before a ping round trip, after `settle`.
    void expect_no_event(WsClient& ws, const std::string& type,
                         std::chrono::milliseconds settle = 300ms) {
        std::this_thread::sleep_for(settle);
        const auto before = ws.events().size();
        ASSERT_EQ(ws.request("system.ping").value("status", ""), "ok");
        for (std::size_t i = 0; i < ws.events().size(); ++i)
            EXPECT_NE(ws.events()[i].value("event", ""), type)
                << "pushed: " << ws.events()[i].dump() << " (" << before << " before the ping)";
    }

    /// Each read and write request a held device makes is refused with device_quarantined.
    void expect_refused_everything(WsClient& ws, const std::string& conversation) {
        const std::string uuid = new_uuid();
        const std::vector<std::pair<std::string, json>> requests{
            {"messages.sync", json::object()},
            {"messages.send",
             {{"conversation_id", conversation}, {"client_msg_id", uuid}, {"message", "AAAA"}}},
            {"handshake.submit",
             {{"conversation_id", conversation}, {"client_msg_id", uuid}, {"message", "AAAA"}}},
            {"group_info.get", {{"conversation_id", conversation}}},
            {"messages.delivered", {{"conversation_id", conversation}, {"seq", 0}}},
            {"messages.read", {{"conversation_id", conversation}, {"seq", 0}}},
            {"receipts.get", {{"conversation_id", conversation}, {"seq", 1}}},
            {"key_packages.status", json::object()},
            {"key_packages.upload", {{"key_packages", {"AAAA"}}}},
            {"conversations.list", json::object()},
            {"conversations.get", {{"conversation_id", conversation}}},
            {"presence.set", {{"status", "busy"}}},
        };
        for (const auto& [type, body] : requests)
            EXPECT_EQ(code(ws.request(type, body)), "device_quarantined") << type;
    }
};

TEST_F(DeviceControl, AQuarantinedDeviceIsRefusedAndGetsNoPushesThenCatchesUpAfterRelease) {
    start_stream();
    TestUser admin = enroll("General", "ada.admin", "admin");
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    Client alice = client(alice_user);
    Client bob = client(bob_user);
    const auto conversation = group_of(alice, {&bob});
    auto admin_ws = logged_in(admin);

    const json before = device_of(*admin_ws, bob_user);
    EXPECT_EQ(before["state"], "active");
    EXPECT_EQ(before["last_address"], "127.0.0.1");
    EXPECT_FALSE(before.contains("quarantined_ms"));

    ok("devices.quarantine",
       admin_ws->request("devices.quarantine",
                         {{"device_id", bob_user.device_id}, {"reason", "Left on the ward"}}));
    EXPECT_EQ(next_event(*bob.ws, "device.quarantined")["body"]["device_id"], bob_user.device_id);
    const json held = device_of(*admin_ws, bob_user);
    EXPECT_EQ(held["state"], "quarantined");
    EXPECT_EQ(held["quarantine_reason"], "Left on the ward");
    EXPECT_TRUE(held.contains("quarantined_ms"));
    EXPECT_EQ(audit_count("device.quarantine", "success"), 1);
    // The reason is for administrators, not for the trail.
    EXPECT_EQ(count("SELECT count(*) FROM audit_records WHERE details LIKE '%Left on the ward%'"),
              0);

    expect_refused_everything(*bob.ws, conversation);
    // Still authenticated: a quarantined device may log out or ping.
    EXPECT_EQ(bob.ws->request("system.ping").value("status", ""), "ok");

    // Alice writes; Bob's quarantined device is not told, and a new connection of it is told
    // about its quarantine right after authentication and refused the same way.
    const json sent = ok("messages.send", send(alice, conversation, "potassium 6.1, recheck"));
    expect_no_event(*bob.ws, "message.new");
    auto bob_again = session(bob_user);
    EXPECT_EQ(next_event(*bob_again, "device.quarantined")["body"]["device_id"],
              bob_user.device_id);
    EXPECT_EQ(code(bob_again->request("messages.sync", json::object())), "device_quarantined");

    ok("devices.release",
       admin_ws->request("devices.release", {{"device_id", bob_user.device_id}}));
    next_event(*bob.ws, "device.released");
    EXPECT_EQ(device_of(*admin_ws, bob_user)["state"], "active");
    EXPECT_EQ(audit_count("device.release", "success"), 1);

    // Nothing was lost: the message written during the quarantine comes by sync.
    const json page = ok("messages.sync", bob.ws->request("messages.sync", json::object()));
    ASSERT_EQ(page["messages"].size(), 1u) << page.dump();
    EXPECT_EQ(page["messages"][0]["seq"], sent["seq"]);
    EXPECT_EQ(open(bob, page["messages"][0]), "potassium 6.1, recheck");
    // And pushes flow again.
    ok("messages.send", send(alice, conversation, "recheck done"));
    EXPECT_EQ(open(bob, next_event(*bob.ws, "message.new")["body"]), "recheck done");
}

TEST_F(DeviceControl, QuarantineReachesTheDevicesConnectionOnAnotherNode) {
    start_stream();
    TestUser admin = enroll("General", "ada.admin", "admin");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    auto node = second_node();
    auto bob_there = resume_on(*node, bob_user);
    auto admin_ws = logged_in(admin);
    ok("devices.quarantine",
       admin_ws->request("devices.quarantine", {{"device_id", bob_user.device_id}}));
    next_event(*bob_there, "device.quarantined");
    EXPECT_EQ(code(bob_there->request("messages.sync", json::object())), "device_quarantined");
    ok("devices.release",
       admin_ws->request("devices.release", {{"device_id", bob_user.device_id}}));
    next_event(*bob_there, "device.released");
    EXPECT_EQ(bob_there->request("messages.sync", json::object()).value("status", ""), "ok");
}

TEST_F(DeviceControl, ANurseIsForbiddenEveryDeviceActionAndEachRefusalIsAudited) {
    start_stream();
    TestUser admin = enroll("General", "ada.admin", "admin");
    TestUser nurse = enroll("General", "nina.nurse", "nurse");
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    auto nurse_ws = logged_in(nurse);
    const auto denied = audit_count("authz.denied", "denied");
    for (const char* type :
         {"devices.quarantine", "devices.release", "devices.wipe", "devices.revoke"})
        EXPECT_EQ(code(nurse_ws->request(type, {{"device_id", alice_user.device_id}})), "forbidden")
            << type;
    EXPECT_EQ(audit_count("authz.denied", "denied"), denied + 4);
    EXPECT_EQ(count("SELECT count(*) FROM devices WHERE quarantined_at IS NOT NULL OR "
                    "wipe_requested_at IS NOT NULL OR revoked_at IS NOT NULL"),
              0);
    auto admin_ws = logged_in(admin);
    EXPECT_EQ(device_of(*admin_ws, alice_user)["state"], "active");
}

TEST_F(DeviceControl, AnotherOrganizationsDeviceIsNotFoundAndTheDenialIsAudited) {
    start_stream();
    TestUser other_admin = enroll("Other", "otto.admin", "admin");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    auto other_ws = logged_in(other_admin);
    for (const char* type : {"devices.wipe", "devices.quarantine", "devices.release"})
        EXPECT_EQ(code(other_ws->request(type, {{"device_id", bob_user.device_id}})), "not_found")
            << type;
    EXPECT_EQ(code(other_ws->request("users.devices", {{"user_id", bob_user.id}})), "not_found");
    EXPECT_EQ(audit_count("device.wipe", "denied"), 1);
    EXPECT_EQ(audit_count("device.quarantine", "denied"), 1);
    EXPECT_EQ(audit_count("device.release", "denied"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM devices WHERE quarantined_at IS NOT NULL OR "
                    "wipe_requested_at IS NOT NULL"),
              0);
    // The bob device still works.
    auto bob = session(bob_user);
    EXPECT_EQ(bob->request("messages.sync", json::object()).value("status", ""), "ok");
}

TEST_F(DeviceControl, BadAndOutOfOrderRequestsAreRefusedAndChangeNothing) {
    start_stream();
    TestUser admin = enroll("General", "ada.admin", "admin");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    auto admin_ws = logged_in(admin);
    const std::string id = bob_user.device_id;
    // Malformed, wrong type, oversized, unknown.
    EXPECT_EQ(code(admin_ws->request("devices.quarantine", {{"device_id", "not-a-device"}})),
              "bad_request");
    EXPECT_EQ(code(admin_ws->request("devices.quarantine", {{"device_id", 42}})), "bad_request");
    EXPECT_EQ(code(admin_ws->request("devices.quarantine",
                                     {{"device_id", id}, {"reason", std::string(501, 'x')}})),
              "bad_request");
    EXPECT_EQ(code(admin_ws->request("devices.wipe", {{"device_id", id}, {"extra", true}})),
              "bad_request");
    EXPECT_EQ(code(admin_ws->request("devices.wipe", json::object())), "bad_request");
    EXPECT_EQ(code(admin_ws->request("devices.wipe", {{"device_id", std::string(36, 'z')}})),
              "not_found");
    EXPECT_EQ(code(admin_ws->request("devices.wipe", {{"device_id", new_uuid()}})), "not_found");
    // Out of order.
    EXPECT_EQ(code(admin_ws->request("devices.release", {{"device_id", id}})), "conflict");
    ok("devices.quarantine", admin_ws->request("devices.quarantine", {{"device_id", id}}));
    EXPECT_EQ(code(admin_ws->request("devices.quarantine", {{"device_id", id}})), "conflict");
    ok("devices.wipe", admin_ws->request("devices.wipe", {{"device_id", id}}));
    EXPECT_EQ(code(admin_ws->request("devices.wipe", {{"device_id", id}})), "conflict");
    EXPECT_EQ(code(admin_ws->request("devices.quarantine", {{"device_id", id}})), "conflict");
    // The administrator's own device was ordered nothing: confirming is a conflict.
    EXPECT_EQ(code(admin_ws->request("devices.confirm_wipe", {{"device_id", admin.device_id}})),
              "conflict");
    ok("devices.revoke", admin_ws->request("devices.revoke", {{"device_id", id}}));
    for (const char* type : {"devices.quarantine", "devices.release", "devices.wipe"})
        EXPECT_EQ(code(admin_ws->request(type, {{"device_id", id}})), "not_found") << type;
    EXPECT_EQ(device_of(*admin_ws, bob_user)["state"], "revoked");
    // The connection and the server are unharmed.
    EXPECT_EQ(admin_ws->request("system.ping").value("status", ""), "ok");
}

TEST_F(DeviceControl, AWipeReachesAConnectedDeviceAtOnceAndOnlyItCanConfirm) {
    start_stream({{"messaging.removal_sweep_ms", "100"}});
    TestUser admin = enroll("General", "ada.admin", "admin");
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    Client alice = client(alice_user);
    Client bob = client(bob_user);
    const auto conversation = group_of(alice, {&bob});
    auto admin_ws = logged_in(admin);

    ok("devices.wipe", admin_ws->request("devices.wipe", {{"device_id", bob_user.device_id}}));
    EXPECT_EQ(next_event(*bob.ws, "device.wipe")["body"]["device_id"], bob_user.device_id);
    const json pending = device_of(*admin_ws, bob_user);
    EXPECT_EQ(pending["state"], "wipe_pending");
    EXPECT_TRUE(pending.contains("wipe_delivered_ms"));
    EXPECT_EQ(audit_count("device.wipe", "success"), 1);
    EXPECT_EQ(audit_count("device.wipe_delivered", "success"), 1);

    // Nothing but the confirmation: no reads, writes, or pushes; not even a password change.
    expect_refused_everything(*bob.ws, conversation);
    EXPECT_EQ(code(bob.ws->request("account.change_password",
                                   {{"current_password", "x"}, {"new_password", "y"}})),
              "device_quarantined");
    ok("messages.send", send(alice, conversation, "not for a wiped device"));
    expect_no_event(*bob.ws, "message.new");

    // Another device cannot confirm for it.
    EXPECT_EQ(code(alice.ws->request("devices.confirm_wipe", {{"device_id", bob_user.device_id}})),
              "forbidden");
    EXPECT_EQ(audit_count("device.wipe_confirm", "denied"), 1);
    EXPECT_EQ(device_of(*admin_ws, bob_user)["state"], "wipe_pending");

    ok("devices.confirm_wipe",
       bob.ws->request("devices.confirm_wipe", {{"device_id", bob_user.device_id}}));
    EXPECT_EQ(next_event(*bob.ws, "auth.session_ended")["body"]["reason"], "device_revoked");
    const json wiped = device_of(*admin_ws, bob_user);
    EXPECT_EQ(wiped["state"], "wiped");
    EXPECT_TRUE(wiped["revoked"].get<bool>());
    EXPECT_TRUE(wiped.contains("wiped_ms"));
    EXPECT_EQ(audit_count("device.wipe_confirm", "success"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM sessions WHERE device_id = '" + bob_user.device_id +
                    "' AND ended_at IS NULL"),
              0);
    // Revoked: the server proposes the Remove of its leaf.
    EXPECT_TRUE(wait_for(
        [&] {
            return count("SELECT count(*) FROM server_removals WHERE device_id = '" +
                         bob_user.device_id + "'") == 1;
        },
        5s));
    // And the old device id can never sign in again.
    auto again = connect();
    EXPECT_EQ(code(again->request("auth.login", login_body(*again, bob_user, bob_user.password))),
              "device_revoked");
    EXPECT_EQ(code(again->request("auth.resume",
                                  {{"token", bob_user.token}, {"device_id", bob_user.device_id}})),
              "unauthenticated");
}

TEST_F(DeviceControl, AnOfflineDeviceGetsTheWipeOrderRightAfterItsNextAuthentication) {
    start_stream();
    TestUser admin = enroll("General", "ada.admin", "admin");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    auto admin_ws = logged_in(admin);
    ok("devices.wipe", admin_ws->request("devices.wipe", {{"device_id", bob_user.device_id}}));
    EXPECT_FALSE(device_of(*admin_ws, bob_user).contains("wipe_delivered_ms"));
    EXPECT_EQ(audit_count("device.wipe_delivered"), 0);

    // A resume binds the session, then the order comes.
    auto bob = connect();
    const json resumed =
        bob->request("auth.resume", {{"token", bob_user.token}, {"device_id", bob_user.device_id}});
    ASSERT_EQ(resumed.value("status", ""), "ok") << resumed.dump();
    EXPECT_EQ(next_event(*bob, "device.wipe")["body"]["device_id"], bob_user.device_id);
    EXPECT_TRUE(device_of(*admin_ws, bob_user).contains("wipe_delivered_ms"));
    EXPECT_EQ(audit_count("device.wipe_delivered", "success"), 1);
    EXPECT_EQ(code(bob->request("messages.sync", json::object())), "device_quarantined");
    bob->close();

    // A fresh login of the device gets it too (delivered is recorded once).
    auto bob_login = logged_in(bob_user);
    EXPECT_EQ(next_event(*bob_login, "device.wipe")["body"]["device_id"], bob_user.device_id);
    EXPECT_EQ(audit_count("device.wipe_delivered", "success"), 1);
    ok("devices.confirm_wipe",
       bob_login->request("devices.confirm_wipe", {{"device_id", bob_user.device_id}}));
    EXPECT_EQ(device_of(*admin_ws, bob_user)["state"], "wiped");
}

TEST_F(DeviceControl, WardlinectlListsQuarantinesWipesAndRevokesAndTheDeviceIsToldLive) {
    start_stream();
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    TestUser other = enroll("Other", "otto.nurse", "nurse");
    auto bob = session(bob_user);
    const std::string id = bob_user.device_id;

    const auto listed = ctl("devices list --org General --user bob.nurse");
    ASSERT_EQ(listed.status, 0) << listed.output;
    EXPECT_NE(listed.output.find(id + "\tactive\t"), std::string::npos) << listed.output;

    auto r = ctl("devices quarantine " + id + " --org General --reason 'Left on the ward'");
    ASSERT_EQ(r.status, 0) << r.output;
    next_event(*bob, "device.quarantined");
    EXPECT_EQ(code(bob->request("messages.sync", json::object())), "device_quarantined");
    r = ctl("devices release " + id + " --org General");
    ASSERT_EQ(r.status, 0) << r.output;
    next_event(*bob, "device.released");
    EXPECT_EQ(bob->request("messages.sync", json::object()).value("status", ""), "ok");
    r = ctl("devices wipe " + id + " --org General");
    ASSERT_EQ(r.status, 0) << r.output;
    next_event(*bob, "device.wipe");
    EXPECT_EQ(audit_count("device.quarantine", "success") + audit_count("device.release", "success") +
                  audit_count("device.wipe", "success"),
              3);
    EXPECT_EQ(count("SELECT count(*) FROM audit_records WHERE actor_id = 'wardlinectl' AND action LIKE 'device.%'"), 3);

    // Refusals: another organization's device, a malformed id, out of order, missing arguments.
    EXPECT_EQ(ctl("devices wipe " + other.device_id + " --org General").status, 3);
    EXPECT_EQ(ctl("devices quarantine not-a-device --org General").status, 2);
    EXPECT_EQ(ctl("devices wipe " + id + " --org General").status, 3);
    EXPECT_EQ(ctl("devices release " + id + " --org General --reason why").status, 2);
    EXPECT_EQ(ctl("devices revoke " + id).status, 2);
    EXPECT_EQ(ctl("devices list --org General --user nobody.here").status, 3);
    EXPECT_EQ(count("SELECT count(*) FROM devices WHERE id = '" + other.device_id + "' AND wipe_requested_at IS NOT NULL"), 0);

    r = ctl("devices revoke " + id + " --org General");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(next_event(*bob, "auth.session_ended")["body"]["reason"], "device_revoked");
    EXPECT_NE(ctl("devices list --org General --user bob.nurse").output.find(id + "\trevoked\t"), std::string::npos);
}

}  // namespace
}  // namespace wardline::test
