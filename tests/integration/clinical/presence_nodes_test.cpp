// SPDX-License-Identifier: Apache-2.0
// Presence shared by two real wardline-server processes on one database (issue #5; docs/oncall.md
// "Presence", migration 0012): a user connected to one process is seen online, with the status
// they set, from the other; the first connection anywhere and the last one going are pushed
// once, not once per process; a process killed with SIGKILL stops counting after its TTL and
// the survivor removes its rows; a graceful stop removes them at once; a process taken for dead
// registers again and rewrites its connections.
#include "tests/integration/clinical/clinical_fixture.hpp"

#include <gtest/gtest.h>

#include <signal.h>
#include <sodium.h>

#include <algorithm>
#include <chrono>

namespace wardline::test {
namespace {

using nlohmann::json;
using SteadyClock = std::chrono::steady_clock;

/// The events one client has received so far, read as they come.
struct Watch {
    explicit Watch(WsClient* client) : ws(client) {}
    WsClient* ws;
    std::size_t stashed_seen = 0;  ///< events() already taken (kept by request())
    std::vector<json> events;
};

class PresenceAcrossNodes : public ClinicalFixture {
protected:
    static constexpr int kTtlSeconds = 3;

    void SetUp() override {
        IdentityFixture::SetUp();
        create_org("General");
        create_org("Other");
        start(node_config());
        node_a_ = node_id(server());
        node_b_process_ = start_node_b();
        node_b_ = node_id(*node_b_process_);
        ASSERT_NE(node_a_, node_b_);
    }

    static std::map<std::string, std::string> node_config() {
        return {{"identity.login_burst", "1000"},
                {"presence.node_ttl_seconds", std::to_string(kTtlSeconds)}};
    }
    /// The second process: same database and sealing keyring as the first.
    std::unique_ptr<ServerProcess> start_node_b() {
        std::string keyring = server().audit_key();
        keyring.replace(keyring.rfind("audit.key"), std::string("audit.key").size(),
                        "sealing.keyring");
        ServerOptions options;
        options.config = node_config();
        options.config["identity.sealing_keyring_file"] = keyring;
        return std::make_unique<ServerProcess>(db(), options);
    }
    ServerProcess& node_b() { return *node_b_process_; }

    /// The presence node id a process logged when it registered.
    static std::string node_id(ServerProcess& p) {
        // Plain string search: std::regex trips GCC 12's -Wmaybe-uninitialized under ASan.
        const std::string before = "presence: node ", after = " registered";
        std::string log, id;
        const bool found = wait_for(
            [&] {
                log = p.log();
                for (auto at = log.find(before); at != std::string::npos;
                     at = log.find(before, at + 1)) {
                    const std::string candidate = log.substr(at + before.size(), 16);
                    if (candidate.size() == 16 &&
                        candidate.find_first_not_of("0123456789abcdef") == std::string::npos &&
                        log.compare(at + before.size() + 16, after.size(), after) == 0) {
                        id = candidate;
                        return true;
                    }
                }
                return false;
            },
            10s);
        if (!found) throw std::runtime_error("no presence node registered; log:\n" + log);
        return id;
    }

    /// A connection of `u` to `node` with their session (auth.resume: no new login).
    std::unique_ptr<WsClient> on(ServerProcess& node, const TestUser& u) {
        ClientOptions o;
        o.port = node.port();
        o.ca_file = node.certificate();
        auto ws = std::make_unique<WsClient>(o);
        if (ws->read_json().value("event", "") != "system.welcome")
            throw std::runtime_error("no system.welcome");
        const auto r = ws->request("auth.resume", {{"token", u.token}, {"device_id", u.device_id}});
        if (r.value("status", "") != "ok") throw std::runtime_error("resume: " + r.dump());
        return ws;
    }

    /// `username`'s presence as directory.search answers `viewer` (on whichever process).
    std::string presence_seen_by(WsClient& viewer, const std::string& username) {
        const auto r = ok_request(viewer, "directory.search", {{"query", username}});
        if (r["users"].size() != 1) return "(not found: " + r.dump() + ")";
        return r["users"][0]["presence"];
    }
    bool becomes(WsClient& viewer, const std::string& username, const std::string& presence) {
        return wait_for([&] { return presence_seen_by(viewer, username) == presence; }, 8s);
    }

    long long rows(const std::string& node, const std::string& user_id) {
        return count("SELECT count(*) FROM presence_connections WHERE node_id = '" + node +
                     "' AND user_id = '" + user_id + "'");
    }
    long long connections(const std::string& node, const std::string& user_id) {
        return count(
            "SELECT COALESCE(sum(connections), 0) FROM presence_connections WHERE "
            "node_id = '" +
            node + "' AND user_id = '" + user_id + "'");
    }
    long long node_rows(const std::string& node) {
        return count("SELECT count(*) FROM presence_nodes WHERE node_id = '" + node + "'") +
               count("SELECT count(*) FROM presence_connections WHERE node_id = '" + node + "'");
    }

    /// Takes what `w`'s client has received: events kept by request(), then whatever arrives
    /// until nothing has for `quiet`.
    static void pump(Watch& w, std::chrono::milliseconds quiet) {
        for (;;) {
            const auto& stashed = w.ws->events();
            for (; w.stashed_seen < stashed.size(); ++w.stashed_seen)
                w.events.push_back(stashed[w.stashed_seen]);
            const auto r = w.ws->read(quiet);
            if (r.kind != ReadResult::Kind::text) return;
            auto frame = json::parse(r.data);
            if (frame.contains("event")) w.events.push_back(std::move(frame));
        }
    }
    /// Lets the pushes of the users' enrollment (a login and a close each, throttled) pass, and
    /// forgets them: what `w` receives from now on is what the test caused.
    static void settle(Watch& w) {
        pump(w, 2500ms);
        w.events.clear();
    }
    /// The statuses of `user_id` pushed to `w` so far, in order (each checked against the schema).
    std::vector<std::string> statuses(const Watch& w, const std::string& user_id) {
        std::vector<std::string> out;
        for (const auto& e : w.events)
            if (e.value("event", "") == "presence.changed" && e["body"]["user_id"] == user_id) {
                EXPECT_FALSE(protocol_.check_event("presence.changed", e["body"]).has_value());
                out.push_back(e["body"]["status"]);
            }
        return out;
    }
    /// Waits until `status` of `user_id` has been pushed to `w` `times` times (at most 6 s).
    bool pushed(Watch& w, const std::string& user_id, const std::string& status,
                std::ptrdiff_t times = 1) {
        const auto deadline = SteadyClock::now() + 6s;
        for (;;) {
            const auto seen = statuses(w, user_id);
            if (std::count(seen.begin(), seen.end(), status) >= times) return true;
            if (SteadyClock::now() > deadline) return false;
            pump(w, 200ms);
        }
    }

    std::string node_a_;
    std::string node_b_;
    std::unique_ptr<ServerProcess> node_b_process_;
};

using Statuses = std::vector<std::string>;

TEST_F(PresenceAcrossNodes, AUserOnTheOtherProcessIsSeenAvailableThenBusyThenOffline) {
    TestUser nurse = enroll("General", "nina.nurse", "nurse");
    TestUser doctor = enroll("General", "phil.physician", "physician");
    share_conversation({nurse.id, doctor.id});
    auto d = on(server(), doctor);  // the colleague asks the first process
    Watch dw{d.get()};
    settle(dw);
    EXPECT_EQ(presence_seen_by(*d, "nina.nurse"), "offline");

    auto n = on(node_b(), nurse);  // the nurse is on the second
    EXPECT_TRUE(becomes(*d, "nina.nurse", "available"));
    EXPECT_EQ(rows(node_b_, nurse.id), 1);
    EXPECT_EQ(connections(node_b_, nurse.id), 1);
    EXPECT_EQ(rows(node_a_, nurse.id), 0);
    ASSERT_TRUE(pushed(dw, nurse.id, "available"));

    // presence.set answers after the status is stored: the other process sees it at once.
    EXPECT_EQ(ok_request(*n, "presence.set", {{"status", "busy"}})["status"], "busy");
    EXPECT_EQ(presence_seen_by(*d, "nina.nurse"), "busy");
    EXPECT_EQ(presence_seen_by(*n, "nina.nurse"), "busy");  // and the nurse's own process
    ASSERT_TRUE(pushed(dw, nurse.id, "busy"));

    n->close();
    EXPECT_TRUE(becomes(*d, "nina.nurse", "offline"));
    EXPECT_EQ(rows(node_b_, nurse.id), 0);
    ASSERT_TRUE(pushed(dw, nurse.id, "offline"));
    pump(dw, 2500ms);  // past the throttle: nothing more comes
    EXPECT_EQ(statuses(dw, nurse.id), (Statuses{"available", "busy", "offline"}));
}

TEST_F(PresenceAcrossNodes, OneConnectionClosingKeepsTheUserOnlineAndEachChangeIsPushedOnce) {
    TestUser nurse = enroll("General", "nina.nurse", "nurse");
    TestUser doctor = enroll("General", "phil.physician", "physician");
    TestUser carol = enroll("General", "carol.charge", "nurse");
    share_conversation({nurse.id, doctor.id, carol.id});
    auto d = on(server(), doctor);  // a peer on each process
    auto c = on(node_b(), carol);
    Watch dw{d.get()};
    Watch cw{c.get()};
    settle(dw);
    settle(cw);

    auto n_a = on(server(), nurse);
    EXPECT_TRUE(becomes(*c, "nina.nurse", "available"));
    ASSERT_TRUE(pushed(dw, nurse.id, "available"));
    ASSERT_TRUE(pushed(cw, nurse.id, "available"));
    auto n_b = on(node_b(), nurse);
    auto n_b2 = on(node_b(), nurse);
    EXPECT_TRUE(wait_for([&] { return connections(node_b_, nurse.id) == 2; }, 5s));
    EXPECT_EQ(rows(node_b_, nurse.id), 1);  // one row per (node, user), holding the count
    EXPECT_EQ(connections(node_a_, nurse.id), 1);
    n_b->close();
    EXPECT_TRUE(wait_for([&] { return connections(node_b_, nurse.id) == 1; }, 5s));

    ok_request(*n_b2, "presence.set", {{"status", "busy"}});
    EXPECT_EQ(presence_seen_by(*d, "nina.nurse"), "busy");
    EXPECT_EQ(presence_seen_by(*c, "nina.nurse"), "busy");
    ASSERT_TRUE(pushed(dw, nurse.id, "busy"));
    ASSERT_TRUE(pushed(cw, nurse.id, "busy"));

    // The connection on the first process goes: still online through the second, still busy.
    n_a->close();
    EXPECT_TRUE(wait_for([&] { return rows(node_a_, nurse.id) == 0; }, 5s));
    EXPECT_EQ(presence_seen_by(*d, "nina.nurse"), "busy");
    EXPECT_EQ(presence_seen_by(*c, "nina.nurse"), "busy");

    n_b2->close();
    EXPECT_TRUE(becomes(*d, "nina.nurse", "offline"));
    EXPECT_EQ(presence_seen_by(*c, "nina.nurse"), "offline");

    // Each peer, whichever process it is on, heard of each change exactly once: the second
    // and third connections and the first one closing were not pushed at all.
    for (Watch* w : {&dw, &cw}) {
        ASSERT_TRUE(pushed(*w, nurse.id, "offline"));
        pump(*w, 2500ms);
        auto seen = statuses(*w, nurse.id);
        EXPECT_EQ(std::count(seen.begin(), seen.end(), "available"), 1)
            << ::testing::PrintToString(seen);
        EXPECT_EQ(std::count(seen.begin(), seen.end(), "busy"), 1)
            << ::testing::PrintToString(seen);
        EXPECT_EQ(std::count(seen.begin(), seen.end(), "offline"), 1)
            << ::testing::PrintToString(seen);
        EXPECT_EQ(seen.size(), 3u) << ::testing::PrintToString(seen);
        EXPECT_EQ(seen.back(), "offline");
    }
}

/// A session token as the server hands them out (32 random bytes, URL-safe base64 without
/// padding) and the hex of the hash the sessions table keeps of it (BLAKE2b-256 of the domain
/// string and the raw bytes, server/identity/credentials.cpp).
std::pair<std::string, std::string> new_token() {
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    char text[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
    sodium_bin2base64(text, sizeof text, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    const std::string domain = "wardline session token v1";
    unsigned char hash[32];
    crypto_generichash_state st;
    crypto_generichash_init(&st, nullptr, 0, sizeof hash);
    crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(domain.data()),
                              domain.size());
    crypto_generichash_update(&st, raw, sizeof raw);
    crypto_generichash_final(&st, hash, sizeof hash);
    char hex[2 * sizeof hash + 1];
    sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
    return {text, hex};
}

TEST_F(PresenceAcrossNodes, AReconnectStormOfHundredsOfSessionsPutsEveryoneOnlineWithOnePushEach) {
    constexpr int kUsers = 300;
    constexpr int kOnBoth = 60;  // these connect to both processes at once
    TestUser doctor = enroll("General", "phil.physician", "physician");
    // The storm's users, devices and live sessions are written by SQL, as a login writes them,
    // so that the test is not hundreds of Argon2id logins long; each shares a conversation of
    // two with the doctor, who watches on the first process.
    auto db = owner();
    db.exec(
        "INSERT INTO users (org_id, username, display_name, password_hash, "
        "must_change_password, username_canonical, username_skeleton) "
        "SELECT u.org_id, 'storm-' || g, 'Storm ' || g, u.password_hash, false, "
        "'storm-' || g, 'storm-' || g FROM users u, generate_series(1, " +
        std::to_string(kUsers) + ") g WHERE u.id = '" + doctor.id + "'");
    db.exec(
        "INSERT INTO user_roles (user_id, role_id) SELECT u.id, r.role_id FROM users u, "
        "user_roles r WHERE u.username LIKE 'storm-%' AND r.user_id = '" +
        doctor.id + "'");
    db.exec(
        "INSERT INTO devices (org_id, user_id, name, platform, identity_key) "
        "SELECT org_id, id, 'storm', 'linux', sha256(id::text::bytea) FROM users "
        "WHERE username LIKE 'storm-%'");
    db.exec(
        "WITH c AS (INSERT INTO conversations (org_id, kind, mls_group_id, created_by) "
        "SELECT org_id, 'group', sha256(('storm' || id::text)::bytea), id FROM users "
        "WHERE username LIKE 'storm-%' RETURNING id, org_id, created_by) "
        "INSERT INTO conversation_members (conversation_id, org_id, user_id, role, added_by) "
        "SELECT c.id, c.org_id, m.u, 'member', c.created_by FROM c "
        "CROSS JOIN LATERAL (VALUES (c.created_by), ('" +
        doctor.id + "'::uuid)) AS m(u)");
    const auto listed = db.exec(
        "SELECT u.id, d.id, u.org_id FROM users u JOIN devices d ON d.user_id = u.id "
        "WHERE u.username LIKE 'storm-%' ORDER BY u.username");
    ASSERT_EQ(listed.rows(), kUsers);
    std::vector<TestUser> storm(kUsers);
    std::string sessions =
        "INSERT INTO sessions (org_id, user_id, device_id, token_hash, idle_timeout_seconds, "
        "expires_at) VALUES ";
    for (int i = 0; i < kUsers; ++i) {
        storm[i].id = std::string(listed.text_or_throw(i, 0));
        storm[i].device_id = std::string(listed.text_or_throw(i, 1));
        auto [token, hash] = new_token();
        storm[i].token = token;
        sessions += std::string(i ? "," : "") + "('" + std::string(listed.text_or_throw(i, 2)) +
                    "', '" + storm[i].id + "', '" + storm[i].device_id + "', decode('" + hash +
                    "', 'hex'), 3600, now() + interval '1 hour')";
    }
    db.exec(sessions);

    auto d = on(server(), doctor);
    Watch dw{d.get()};
    settle(dw);
    const std::string storm_users = "(SELECT id FROM users WHERE username LIKE 'storm-%')";

    // The storm: every user connects, alternating between the processes; some to both.
    const auto started = SteadyClock::now();
    std::vector<std::unique_ptr<WsClient>> clients;
    for (int i = 0; i < kUsers; ++i) {
        clients.push_back(on(i % 2 ? node_b() : server(), storm[i]));
        if (i < kOnBoth) clients.push_back(on(i % 2 ? server() : node_b(), storm[i]));
    }
    ASSERT_TRUE(wait_for(
        [&] {
            return count(
                       "SELECT count(DISTINCT user_id) FROM presence_connections WHERE "
                       "user_id IN " +
                       storm_users) == kUsers;
        },
        10s));
    const auto online_after = SteadyClock::now() - started;
    EXPECT_EQ(count("SELECT count(*) FROM presence_connections WHERE user_id IN " + storm_users),
              kUsers + kOnBoth)
        << "one row per (process, user)";
    EXPECT_EQ(count("SELECT COALESCE(sum(connections), 0) FROM presence_connections WHERE "
                    "user_id IN " +
                    storm_users),
              kUsers + kOnBoth);

    // The doctor heard of each user coming online exactly once, whichever process saw it.
    ASSERT_TRUE(wait_for(
        [&] {
            pump(dw, 100ms);
            return std::all_of(storm.begin(), storm.end(),
                               [&](const TestUser& u) { return !statuses(dw, u.id).empty(); });
        },
        10s));
    pump(dw, 2500ms);  // anything pushed twice would come within the throttle's interval
    int wrong = 0;
    for (const auto& u : storm) {
        const auto seen = statuses(dw, u.id);
        if (seen != std::vector<std::string>{"available"}) {
            ++wrong;
            ADD_FAILURE() << u.id << ": " << ::testing::PrintToString(seen);
        }
    }
    EXPECT_EQ(wrong, 0);
    EXPECT_LT(online_after, 15s) << "the storm took too long to be written";
    EXPECT_EQ(presence_seen_by(*d, "storm-300"), "available");  // on the second process
}

TEST_F(PresenceAcrossNodes, AProcessKilledWithSigkillStopsCountingAfterItsTtl) {
    TestUser nurse = enroll("General", "nina.nurse", "nurse");
    TestUser doctor = enroll("General", "phil.physician", "physician");
    share_conversation({nurse.id, doctor.id});
    auto d = on(server(), doctor);
    Watch dw{d.get()};
    settle(dw);
    auto n = on(node_b(), nurse);
    ASSERT_TRUE(becomes(*d, "nina.nurse", "available"));
    ASSERT_TRUE(pushed(dw, nurse.id, "available"));

    EXPECT_EQ(node_b().stop(SIGKILL), 128 + SIGKILL);
    const auto killed_at = SteadyClock::now();
    // Within the TTL the killed process still counts: its heartbeat is less than a TTL old.
    EXPECT_EQ(presence_seen_by(*d, "nina.nurse"), "available");
    ASSERT_TRUE(becomes(*d, "nina.nurse", "offline"));
    EXPECT_LE(SteadyClock::now() - killed_at, std::chrono::seconds(kTtlSeconds) + 3s);

    // The survivor's next heartbeat removes the dead process's rows and tells the peer once.
    EXPECT_TRUE(wait_for([&] { return node_rows(node_b_) == 0; }, 5s));
    EXPECT_EQ(count("SELECT count(*) FROM presence_nodes WHERE node_id = '" + node_a_ + "'"), 1);
    EXPECT_NE(server().log().find("presence: removed node " + node_b_), std::string::npos)
        << server().log();
    ASSERT_TRUE(pushed(dw, nurse.id, "offline"));
    pump(dw, 2500ms);
    EXPECT_EQ(statuses(dw, nurse.id), (Statuses{"available", "offline"}));

    // Coming back on the survivor: online again, available, pushed once more.
    auto again = on(server(), nurse);
    EXPECT_TRUE(becomes(*d, "nina.nurse", "available"));
    ASSERT_TRUE(pushed(dw, nurse.id, "available", 2));
    EXPECT_EQ(statuses(dw, nurse.id), (Statuses{"available", "offline", "available"}));
}

TEST_F(PresenceAcrossNodes, AGracefulStopRemovesTheProcessRowsAtOnce) {
    TestUser nurse = enroll("General", "nina.nurse", "nurse");
    TestUser doctor = enroll("General", "phil.physician", "physician");
    share_conversation({nurse.id, doctor.id});
    auto d = on(server(), doctor);
    Watch dw{d.get()};
    settle(dw);
    auto n = on(node_b(), nurse);
    auto n2 = on(node_b(), nurse);
    ASSERT_TRUE(becomes(*d, "nina.nurse", "available"));
    ASSERT_TRUE(wait_for([&] { return connections(node_b_, nurse.id) == 2; }, 5s));

    EXPECT_EQ(node_b().stop(SIGTERM), 0);
    // No TTL to wait for: the process removed its rows before it exited.
    EXPECT_EQ(node_rows(node_b_), 0);
    EXPECT_EQ(count("SELECT count(*) FROM presence_nodes"), 1);  // the first process's
    EXPECT_EQ(presence_seen_by(*d, "nina.nurse"), "offline");
    EXPECT_NE(node_b().log().find("presence: node " + node_b_ + " removed itself"),
              std::string::npos)
        << node_b().log();
    ASSERT_TRUE(pushed(dw, nurse.id, "offline"));
    pump(dw, 2500ms);
    EXPECT_EQ(statuses(dw, nurse.id), (Statuses{"available", "offline"}));
}

TEST_F(PresenceAcrossNodes, AProcessTakenForDeadRegistersAgainAndRewritesItsConnections) {
    TestUser nurse = enroll("General", "nina.nurse", "nurse");
    TestUser doctor = enroll("General", "phil.physician", "physician");
    auto d = on(server(), doctor);
    auto n = on(node_b(), nurse);
    ASSERT_TRUE(becomes(*d, "nina.nurse", "available"));

    // As if the first process had found the second's heartbeat too old and removed it.
    owner().exec("DELETE FROM presence_nodes WHERE node_id = '" + node_b_ + "'");
    EXPECT_EQ(node_rows(node_b_), 0);
    EXPECT_EQ(presence_seen_by(*d, "nina.nurse"), "offline");
    // Its next heartbeat finds its row gone: it registers again and writes its connections.
    EXPECT_TRUE(becomes(*d, "nina.nurse", "available"));
    EXPECT_EQ(connections(node_b_, nurse.id), 1);
    EXPECT_NE(node_b().log().find("was removed as dead; registering again"), std::string::npos)
        << node_b().log();
}

TEST_F(PresenceAcrossNodes, AStatusSetOnOneProcessIsKeptWhileTheUserMovesToTheOther) {
    TestUser nurse = enroll("General", "nina.nurse", "nurse");
    TestUser doctor = enroll("General", "phil.physician", "physician");
    auto d = on(server(), doctor);
    auto n_a = on(server(), nurse);
    ok_request(*n_a, "presence.set", {{"status", "away"}});
    auto n_b = on(node_b(), nurse);  // a second device, on the other process
    ASSERT_TRUE(wait_for([&] { return rows(node_b_, nurse.id) == 1; }, 5s));
    n_a->close();
    ASSERT_TRUE(wait_for([&] { return rows(node_a_, nurse.id) == 0; }, 5s));
    EXPECT_EQ(presence_seen_by(*d, "nina.nurse"), "away");  // never offline: status kept
    // Offline everywhere, then back: a user who comes back starts available.
    n_b->close();
    ASSERT_TRUE(becomes(*d, "nina.nurse", "offline"));
    auto back = on(node_b(), nurse);
    EXPECT_TRUE(becomes(*d, "nina.nurse", "available"));
    EXPECT_EQ(count("SELECT count(*) FROM presence_statuses WHERE user_id = '" + nurse.id + "'"),
              0);
}

}  // namespace
}  // namespace wardline::test
