// SPDX-License-Identifier: Apache-2.0
#pragma once
// A real wardline-server on a fresh database with two organizations ("General" and "Other"),
// and the helpers the clinical tests share: checked responses, times relative to the real now,
// and users made with the real wardlinectl.
#include "common/proto/protocol.hpp"
#include "server/clinical/iso_time.hpp"
#include "tests/integration/identity/identity_fixture.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

namespace wardline::test {

class ClinicalFixture : public IdentityFixture {
protected:
    void SetUp() override {
        IdentityFixture::SetUp();
        create_org("General");
        create_org("Other");
        start({{"identity.login_burst", "1000"}});
    }

    static std::string error_code(const nlohmann::json& r) {
        return r.value("status", "") == "error" ? r["error"]["code"].get<std::string>() : "";
    }

    /// The body of an ok response, checked against the response schema.
    nlohmann::json ok(const std::string& type, const nlohmann::json& r) {
        EXPECT_EQ(r.value("status", ""), "ok") << type << ": " << r.dump();
        if (r.value("status", "") != "ok") return nlohmann::json::object();
        const auto problem = protocol_.check_response(type, r["body"]);
        EXPECT_FALSE(problem.has_value()) << type << ": " << problem.value_or("");
        return r["body"];
    }
    nlohmann::json ok_request(WsClient& ws, const std::string& type, const nlohmann::json& body) {
        return ok(type, ws.request(type, body));
    }

    /// The real now, plus `seconds`, as the API writes times (whole seconds, UTC).
    static std::int64_t now_s() {
        return std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
    }
    static std::string at(std::int64_t seconds_from_now) {
        return server::clinical::format_utc(now_s() + seconds_from_now);
    }

    /// A user made with wardlinectl only (no login): enough to be scheduled or found.
    std::string plain_user(const std::string& org, const std::string& username,
                           const std::string& role) {
        create_user(org, username, role);
        return user_id(org, username);
    }
    std::string user_id(const std::string& org, const std::string& username) {
        return std::string(owner()
                               .exec("SELECT u.id FROM users u JOIN organizations o ON o.id = "
                                     "u.org_id WHERE o.name = '" +
                                     org + "' AND u.username = '" + username + "'")
                               .text_or_throw(0, 0));
    }

    std::string create_team(WsClient& admin, const std::string& name) {
        return ok_request(admin, "oncall.teams.create", {{"name", name}})["team"]["id"];
    }
    static std::string iso(std::int64_t seconds) { return server::clinical::format_utc(seconds); }

    /// A group conversation of `members` (user ids), made behind the server's back (presence is
    /// pushed to the users who share a conversation).
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
    /// The body of oncall.shifts.add for [from, to) (seconds since the Unix epoch).
    static nlohmann::json shift(const std::string& team, const std::string& user,
                                const std::string& role, std::int64_t from, std::int64_t to) {
        return {{"team_id", team},
                {"user_id", user},
                {"role", role},
                {"start", iso(from)},
                {"end", iso(to)}};
    }

    const proto::Protocol protocol_ = proto::Protocol::load_embedded();
};

inline constexpr std::int64_t kMinute = 60;
inline constexpr std::int64_t kHour = 3600;
inline constexpr std::int64_t kDay = 24 * kHour;

}  // namespace wardline::test
