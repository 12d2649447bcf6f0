// SPDX-License-Identifier: Apache-2.0
// Presence over TLS against a real server (issue #5): presence.set, presence.changed pushed only
// to online users who share a conversation, the 2-second throttle coalescing to the latest
// status, presence and "on shift" in the directory, and bad input.
#include "tests/integration/clinical/clinical_fixture.hpp"

#include <gtest/gtest.h>

namespace wardline::test {
namespace {

using nlohmann::json;
using SteadyClock = std::chrono::steady_clock;

class Presence : public ClinicalFixture {
protected:
    /// Reads events until none has come for 2.5 s, so that every push the logins caused
    /// (and its throttle) is over.
    static void drain(WsClient& ws) {
        for (int i = 0; i < 20 && ws.read(2500ms).kind == ReadResult::Kind::text; ++i) {
        }
    }
    static json next_event(WsClient& ws, std::chrono::milliseconds timeout) {
        const auto r = ws.read(timeout);
        if (r.kind != ReadResult::Kind::text) return json();
        return json::parse(r.data);
    }
};

TEST_F(Presence, ChangesReachOnlyConversationPeersAtMostOncePerTwoSecondsWithTheLatestStatus) {
    TestUser nurse = enroll("General", "nina.nurse", "nurse");
    TestUser doctor = enroll("General", "phil.physician", "physician");
    TestUser outsider = enroll("General", "otto.outsider", "physician");
    share_conversation({nurse.id, doctor.id});
    auto n = logged_in(nurse);
    auto d = logged_in(doctor);
    auto o = logged_in(outsider);
    drain(*d);
    drain(*n);

    EXPECT_EQ(ok_request(*n, "presence.set", {{"status", "busy"}}), json({{"status", "busy"}}));
    const auto first = next_event(*d, 3s);
    const auto first_at = SteadyClock::now();
    EXPECT_EQ(first.value("event", ""), "presence.changed") << first.dump();
    EXPECT_EQ(first["body"], json({{"user_id", nurse.id}, {"status", "busy"}}));
    EXPECT_FALSE(protocol_.check_event("presence.changed", first["body"]).has_value());

    // Three changes at once: one push, after the interval, with the last status.
    for (const char* s : {"away", "available", "away"})
        ok_request(*n, "presence.set", {{"status", s}});
    const auto second = next_event(*d, 4s);
    const auto second_at = SteadyClock::now();
    EXPECT_EQ(second["body"], json({{"user_id", nurse.id}, {"status", "away"}})) << second.dump();
    EXPECT_GE(second_at - first_at, 1800ms);
    EXPECT_EQ(d->read(2500ms).kind, ReadResult::Kind::timeout);  // nothing more

    // Not shared: nothing. Nor does the nurse hear of her own change.
    EXPECT_EQ(o->read(300ms).kind, ReadResult::Kind::timeout);
    EXPECT_EQ(n->read(300ms).kind, ReadResult::Kind::timeout);

    // After the interval a change goes out at once.
    ok_request(*n, "presence.set", {{"status", "available"}});
    EXPECT_EQ(next_event(*d, 1500ms)["body"]["status"], "available");
}

TEST_F(Presence, TheDirectoryShowsPresenceOfflineWithoutAConnectionAndOnShiftFromTheSchedule) {
    TestUser admin = enroll("General", "ada.admin", "admin");
    TestUser nurse = enroll("General", "nina.nurse", "nurse");
    TestUser doctor = enroll("General", "phil.physician", "physician");
    auto a = logged_in(admin);
    const std::string team = create_team(*a, "Cardiology");
    const auto t = now_s();
    ok_request(*a, "oncall.shifts.add", shift(team, doctor.id, "primary", t - kHour, t + kHour));
    auto n = logged_in(nurse);
    auto presence_of = [&](const std::string& username) {
        const auto r = ok_request(*n, "directory.search", {{"query", username}});
        EXPECT_EQ(r["users"].size(), 1u) << r.dump();
        return r["users"].empty() ? json() : r["users"][0];
    };
    EXPECT_EQ(presence_of("phil.physician")["presence"], "offline");
    EXPECT_EQ(presence_of("phil.physician")["on_shift"], true);
    {
        auto d = logged_in(doctor);
        // Connected, nothing set. The connection is counted in the database moments after the
        // login answered (presence_node.hpp), hence the wait.
        EXPECT_TRUE(
            wait_for([&] { return presence_of("phil.physician")["presence"] == "available"; }, 5s));
        ok_request(*d, "presence.set", {{"status", "busy"}});
        EXPECT_EQ(presence_of("phil.physician")["presence"], "busy");  // stored before the answer
        d->close();
    }
    // Closing the connection makes the user offline (the server unbinds it as it closes).
    EXPECT_TRUE(
        wait_for([&] { return presence_of("phil.physician")["presence"] == "offline"; }, 5s));
    EXPECT_EQ(presence_of("nina.nurse")["presence"], "available");
    EXPECT_EQ(presence_of("nina.nurse")["on_shift"], false);
}

TEST_F(Presence, BadStatusesAreRefusedNothingIsStoredAndOfflineCannotBeSet) {
    TestUser nurse = enroll("General", "nina.nurse", "nurse");
    TestUser doctor = enroll("General", "phil.physician", "physician");
    share_conversation({nurse.id, doctor.id});
    auto n = logged_in(nurse);
    auto d = logged_in(doctor);
    ok_request(*n, "presence.set", {{"status", "away"}});
    drain(*d);
    const std::string oversized(40000, 'b');  // inside the 64 KiB frame, far beyond any status
    for (const json& bad :
         {json{{"status", "offline"}}, json{{"status", "sleeping"}}, json{{"status", "AWAY"}},
          json{{"status", "busy "}}, json{{"status", ""}}, json{{"status", oversized}},
          json{{"status", "busy" + oversized}}, json::object(), json{{"status", 1}},
          json{{"status", nullptr}}, json{{"status", true}},
          json{{"status", json::array({"busy"})}}, json{{"status", json{{"value", "busy"}}}},
          json{{"status", "busy"}, {"until", "later"}},
          json{{"status", "busy"}, {"user_id", doctor.id}}}) {
        SCOPED_TRACE(bad.dump().substr(0, 80));
        const auto r = n->request("presence.set", bad);
        EXPECT_EQ(error_code(r), "bad_request");
        // The message names the rule, never the value sent.
        EXPECT_EQ(r.dump().find(oversized.substr(0, 100)), std::string::npos);
    }
    // Nothing stored, nothing pushed, and the connection still works.
    EXPECT_EQ(count("SELECT count(*) FROM presence_statuses WHERE user_id = '" + nurse.id +
                    "' AND status = 'away'"),
              1);
    EXPECT_EQ(count("SELECT count(*) FROM presence_statuses WHERE user_id = '" + doctor.id + "'"),
              0);
    EXPECT_EQ(d->read(500ms).kind, ReadResult::Kind::timeout);
    const auto found = ok_request(*d, "directory.search", {{"query", "nina"}});
    ASSERT_EQ(found["users"].size(), 1u);
    EXPECT_EQ(found["users"][0]["presence"], "away");
    const auto other = ok_request(*n, "directory.search", {{"query", "phil"}});
    ASSERT_EQ(other["users"].size(), 1u);
    EXPECT_EQ(other["users"][0]["presence"], "available");

    auto anonymous = connect();
    EXPECT_EQ(error_code(anonymous->request("presence.set", {{"status", "busy"}})),
              "unauthenticated");
    EXPECT_EQ(count("SELECT count(*) FROM presence_statuses WHERE status = 'busy'"), 0);
    EXPECT_EQ(ok_request(*n, "presence.set", {{"status", "busy"}})["status"], "busy");
    EXPECT_EQ(count("SELECT count(*) FROM presence_statuses WHERE user_id = '" + nurse.id +
                    "' AND status = 'busy'"),
              1);
}

TEST_F(Presence, ConnectingAndTheLastConnectionClosingArePushedToPeers) {
    TestUser nurse = enroll("General", "nina.nurse", "nurse");
    TestUser doctor = enroll("General", "phil.physician", "physician");
    share_conversation({nurse.id, doctor.id});
    auto d = logged_in(doctor);
    drain(*d);
    {
        auto n = logged_in(nurse);
        const auto online = next_event(*d, 4s);
        EXPECT_EQ(online["body"], json({{"user_id", nurse.id}, {"status", "available"}}))
            << online.dump();
        EXPECT_FALSE(protocol_.check_event("presence.changed", online["body"]).has_value());
        ok_request(*n, "presence.set", {{"status", "busy"}});
        EXPECT_EQ(next_event(*d, 4s)["body"]["status"], "busy");
        n->close();
    }
    // Throttled like every change: within the interval after the last push.
    const auto offline = next_event(*d, 4s);
    EXPECT_EQ(offline["body"], json({{"user_id", nurse.id}, {"status", "offline"}}))
        << offline.dump();
    EXPECT_FALSE(protocol_.check_event("presence.changed", offline["body"]).has_value());
    EXPECT_EQ(ok_request(*d, "directory.search", {{"query", "nina"}})["users"][0]["presence"],
              "offline");
}

}  // namespace
}  // namespace wardline::test
