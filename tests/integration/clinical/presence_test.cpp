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
    /// A group conversation of `members`, made behind the server's back (the conversation
    /// service is another slice of issue #5).
    void share_conversation(const std::vector<std::string>& members) {
        auto db = owner();
        const std::string org(db.exec("SELECT org_id FROM users WHERE id = '" + members[0] + "'")
                                  .text_or_throw(0, 0));
        const std::string id(
            db.exec("INSERT INTO conversations (org_id, kind, mls_group_id, created_by) "
                    "VALUES ('" +
                    org + "', 'group', decode(md5(random()::text), 'hex'), '" + members[0] +
                    "') RETURNING id")
                .text_or_throw(0, 0));
        for (const auto& m : members)
            db.exec(
                "INSERT INTO conversation_members (conversation_id, org_id, user_id, role, "
                "added_by) "
                "VALUES ('" +
                id + "', '" + org + "', '" + m + "', 'member', '" + members[0] + "')");
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
        EXPECT_EQ(presence_of("phil.physician")["presence"], "available");  // connected, unset
        ok_request(*d, "presence.set", {{"status", "busy"}});
        EXPECT_EQ(presence_of("phil.physician")["presence"], "busy");
        d->close();
    }
    // Closing the connection makes the user offline (the server unbinds it as it closes).
    bool offline = false;
    for (int i = 0; i < 50 && !offline; ++i)
        offline = presence_of("phil.physician")["presence"] == "offline";
    EXPECT_TRUE(offline);
    EXPECT_EQ(presence_of("nina.nurse")["presence"], "available");
    EXPECT_EQ(presence_of("nina.nurse")["on_shift"], false);
}

TEST_F(Presence, BadStatusesAreRefusedAndOfflineCannotBeSet) {
    TestUser nurse = enroll("General", "nina.nurse", "nurse");
    auto n = logged_in(nurse);
    for (const json& bad :
         {json{{"status", "offline"}}, json{{"status", "sleeping"}}, json::object(),
          json{{"status", 1}}, json{{"status", "busy"}, {"until", "later"}}}) {
        SCOPED_TRACE(bad.dump());
        EXPECT_EQ(error_code(n->request("presence.set", bad)), "bad_request");
    }
    auto anonymous = connect();
    EXPECT_EQ(error_code(anonymous->request("presence.set", {{"status", "busy"}})),
              "unauthenticated");
    EXPECT_EQ(ok_request(*n, "presence.set", {{"status", "away"}})["status"], "away");
}

}  // namespace
}  // namespace wardline::test
