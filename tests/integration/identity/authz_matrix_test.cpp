// SPDX-License-Identifier: Apache-2.0
// Every request type × every default role × a target in the caller's organization and in
// another one (issue #3, Authorization). A request type without a row in kExamples fails the
// test, so a new type cannot slip in untested.
#include "common/proto/protocol.hpp"
#include "server/authz/request_policy.hpp"
#include "tests/integration/identity/identity_fixture.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

namespace wardline::test {
namespace {

using nlohmann::json;
namespace authz = server::authz;

std::string status_of(const json& r) {
    return r.value("status", "") == "ok" ? "ok" : r["error"].value("code", "?");
}

/// A valid body per request type; $USER, $DEVICE and $SESSION name the target.
const std::map<std::string, json>& examples() {
    static const std::map<std::string, json> kExamples{
        {"account.change_password", {{"current_password", "x"}, {"new_password", "y"}}},
        {"account.quiet_hours.get", json::object()},
        {"account.quiet_hours.set",
         {{"enabled", true}, {"start_minute", 1320}, {"end_minute", 420}, {"time_zone", "Europe/Berlin"}}},
        {"audit.query", {{"limit", 5}}},
        {"audit.verify", json::object()},
        {"auth.challenge", json::object()},
        {"auth.change_password", {{"current_password", "x"}, {"new_password", "y"}}},
        {"auth.login", json::object()},
        {"auth.logout", json::object()},
        {"auth.logout_all", json::object()},
        {"auth.mfa_confirm", {{"code", "123456"}}},
        {"auth.mfa_enroll", json::object()},
        {"auth.mfa_verify", {{"code", "123456"}}},
        {"auth.resume", json::object()},
        {"break_glass.list", {{"filter", "all"}}},
        // A malformed id is bad_request before the code is checked (so nothing is counted).
        {"break_glass.open", {{"conversation_id", std::string(36, 'z')}, {"reason", "Cardiac arrest, covering physician"}, {"totp", "000000"}}},
        {"break_glass.revoke", {{"grant_id", std::string(36, 'z')}}},
        // Conversations: malformed ids answer bad_request once authorized (membership and
        // ownership are tested in tests/integration/conversations).
        {"conversations.add_members", {{"conversation_id", std::string(36, 'z')}, {"user_ids", {std::string(36, 'z')}}}},
        {"conversations.archive", {{"conversation_id", std::string(36, 'z')}}},
        {"conversations.create", {{"kind", "group"}, {"mls_group_id", std::string(24, '!')}}},
        {"conversations.discover", json::object()},
        {"conversations.get", {{"conversation_id", std::string(36, 'z')}}},
        {"conversations.join", {{"conversation_id", std::string(36, 'z')}}},
        {"conversations.list", json::object()},
        {"conversations.remove_member", {{"conversation_id", std::string(36, 'z')}, {"user_id", "$USER"}}},
        {"conversations.set_role", {{"conversation_id", std::string(36, 'z')}, {"user_id", "$USER"}, {"role", "member"}}},
        {"conversations.update", {{"conversation_id", std::string(36, 'z')}, {"title", "T"}}},
        {"delivery.external_sender", json::object()},
        {"directory.search", {{"query", "target"}}},
        // Only the device itself may confirm its wipe (skipped below; tests/integration/messaging/devices_test.cpp).
        {"devices.confirm_wipe", {{"device_id", "$DEVICE"}}},
        {"devices.quarantine", {{"device_id", "$DEVICE"}, {"reason", "Reported stolen"}}},
        {"devices.release", {{"device_id", "$DEVICE"}}},
        {"devices.revoke", {{"device_id", "$DEVICE"}}},
        {"devices.wipe", {{"device_id", "$DEVICE"}}},
        // Escalation rules (tests/integration/messaging/escalation_test.cpp has the real ones).
        {"escalation_rules.delete", {{"rule_id", "not-a-uuid-not-a-uuid-not-a-uuid-xyz"}}},
        {"escalation_rules.list", json::object()},
        {"escalation_rules.set",
         {{"levels", {{{"after_minutes", 5}, {"target", "role"}, {"role", "physician"}}}}}},
        // Malformed ids or messages: bad_request once authorized (tests/integration/messaging).
        {"group_info.get", {{"conversation_id", std::string(36, 'z')}}},
        {"handshake.submit", {{"conversation_id", "00000000-0000-4000-8000-000000000000"}, {"client_msg_id", "00000000-0000-4000-8000-000000000000"}, {"message", "AAAA"}}},
        {"key_packages.claim", {{"user_id", "$USER"}}},
        {"key_packages.status", json::object()},
        // Not a KeyPackage: bad_request once authorized (tests/integration/delivery has real ones).
        {"key_packages.upload", {{"key_packages", {"AAAA"}}}},
        // Legal holds and retention (tests/integration/messaging/retention_requests_test.cpp):
        // malformed ids answer bad_request once authorized.
        {"legal_holds.confirm_release", {{"hold_id", std::string(36, 'z')}}},
        {"legal_holds.list", json::object()},
        {"legal_holds.place", {{"scope", "user"}, {"user_id", "$USER"}, {"case_name", "Matrix"}, {"from_ms", 0}}},
        {"legal_holds.release", {{"hold_id", std::string(36, 'z')}}},
        {"messages.acknowledge", {{"conversation_id", std::string(36, 'z')}, {"seq", 1}}},
        {"messages.delivered", {{"conversation_id", std::string(36, 'z')}, {"seq", 0}}},
        {"messages.read", {{"conversation_id", std::string(36, 'z')}, {"seq", 0}}},
        {"messages.recall", {{"conversation_id", std::string(36, 'z')}, {"seq", 1}}},
        {"messages.send", {{"conversation_id", "00000000-0000-4000-8000-000000000000"}, {"client_msg_id", "00000000-0000-4000-8000-000000000000"}, {"message", "AAAA"}}},
        {"messages.sync", json::object()},
        {"messages.typing", {{"conversation_id", std::string(36, 'z')}}},
        // Clinical (tests/integration/clinical has the real ones): ids that are not UUIDs and
        // impossible times are bad_request once authorized.
        {"oncall.now", {{"team_id", "not-a-uuid-not-a-uuid-not-a-uuid-xyz"}}},
        {"oncall.shifts.add", {{"team_id", "not-a-uuid-not-a-uuid-not-a-uuid-xyz"}, {"user_id", "$USER"}, {"role", "primary"}, {"start", "2026-13-01T00:00:00Z"}, {"end", "2026-13-01T08:00:00Z"}}},
        {"oncall.shifts.list", {{"team_id", "not-a-uuid-not-a-uuid-not-a-uuid-xyz"}, {"from", "2026-01-02T00:00:00Z"}, {"to", "2026-01-01T00:00:00Z"}}},
        {"oncall.shifts.remove", {{"shift_id", "not-a-uuid-not-a-uuid-not-a-uuid-xyz"}}},
        {"oncall.teams.create", {{"name", "Matrix team"}}},
        {"oncall.teams.list", json::object()},
        {"org.get_policy", json::object()},
        {"org.set_policy", {{"lockout_threshold", 10}}},
        {"patients.find", {{"mrn", "MRN-0001"}}},
        {"presence.set", {{"status", "busy"}}},
        {"receipts.get", {{"conversation_id", std::string(36, 'z')}, {"seq", 1}}},
        {"reports.metrics", {{"from", "2026-01-01"}, {"to", "2026-01-31"}}},
        {"retention.changes.confirm", {{"change_id", std::string(36, 'z')}}},
        {"retention.changes.reject", {{"change_id", std::string(36, 'z')}}},
        {"retention.policies.list", json::object()},
        {"retention.policies.set", {{"scope", "organization"}, {"forever", true}}},
        {"retention.preview", {{"scope", "organization"}, {"keep_days", 30}}},
        {"sessions.revoke", {{"session_id", "$SESSION"}}},
        {"system.hello", json::object()},
        {"system.ping", json::object()},
        {"system.status", json::object()},
        {"templates.create", {{"title", "Matrix"}, {"body", "Please call the ward."}}},
        {"templates.delete", {{"template_id", "not-a-uuid-not-a-uuid-not-a-uuid-xyz"}}},
        {"templates.list", json::object()},
        {"templates.update", {{"template_id", "not-a-uuid-not-a-uuid-not-a-uuid-xyz"}, {"title", "T"}}},
        {"users.create", {{"username", "made.by.matrix"}, {"display_name", "M"}, {"roles", {"billing"}}}},
        {"users.deactivate", {{"user_id", "$USER"}}},
        {"users.devices", {{"user_id", "$USER"}}},
        {"users.list", json::object()},
        {"users.reactivate", {{"user_id", "$USER"}}},
        {"users.reset_mfa", {{"user_id", "$USER"}}},
        {"users.reset_password", {{"user_id", "$USER"}}},
        {"users.sessions", {{"user_id", "$USER"}}},
        {"users.set_roles", {{"user_id", "$USER"}, {"roles", {"nurse"}}}},
        {"users.suspend", {{"user_id", "$USER"}}},
        {"users.unlock", {{"user_id", "$USER"}}},
        {"users.update", {{"user_id", "$USER"}, {"job_title", "Registrar"}}},
    };
    return kExamples;
}

json fill(json body, const TestUser& target, const std::string& session_id) {
    for (auto& [k, v] : body.items()) {
        if (v == "$USER") v = target.id;
        if (v == "$DEVICE") v = target.device_id;
        if (v == "$SESSION") v = session_id;
    }
    return body;
}

/// Role → its permissions, as docs/permissions.md and the migration define them.
std::set<std::string> permissions_of(server::storage::PgSyncConnection& db, const std::string& role) {
    auto r = db.exec("SELECT rp.permission FROM role_permissions rp JOIN roles r ON r.id = rp.role_id "
                     "WHERE r.org_id IS NULL AND r.name = '" + role + "'");
    std::set<std::string> out;
    for (int i = 0; i < r.rows(); ++i) out.emplace(r.text_or_throw(i, 0));
    return out;
}

class AuthzMatrix : public IdentityFixture {};

TEST_F(AuthzMatrix, EveryRequestTypeHasAnExample) {
    const auto protocol = proto::Protocol::load_embedded();
    for (const auto& type : protocol.request_types())
        EXPECT_TRUE(examples().contains(type)) << type << ": add a row to kExamples";
}

TEST_F(AuthzMatrix, EveryRoleIsRefusedWhatItsPermissionsDoNotGrantAndEveryOrgIsSealed) {
    create_org("General");
    create_org("Other");
    // 18 first logins from one address, and two requests of every type per role on one
    // connection: more than the default per-connection burst.
    start({{"identity.login_burst", "1000"},
           {"limits.request_burst", "2000"},
           {"limits.requests_per_second", "1000"}});
    const auto protocol = proto::Protocol::load_embedded();
    auto db = owner();
    // devices.revoke ends the target's sessions: it goes last so sessions.revoke has one.
    auto types = protocol.request_types();
    std::stable_partition(types.begin(), types.end(), [](const std::string& t) { return t != "devices.revoke"; });
    long long foreign_users = 0;
    for (const std::string role : {"physician", "nurse", "front_desk", "billing", "admin", "compliance_officer"}) {
        SCOPED_TRACE(role);
        TestUser caller = enroll("General", "caller." + role, role);
        TestUser own = enroll("General", "target." + role, "nurse");
        TestUser foreign = enroll("Other", "foreign." + role, "nurse");
        const std::string own_session(db.exec("SELECT id FROM sessions WHERE user_id = '" + own.id + "' AND ended_at IS NULL LIMIT 1").text_or_throw(0, 0));
        const std::string foreign_session(db.exec("SELECT id FROM sessions WHERE user_id = '" + foreign.id + "' AND ended_at IS NULL LIMIT 1").text_or_throw(0, 0));
        const auto granted = permissions_of(db, role);
        auto ws = logged_in(caller);
        ++foreign_users;
        for (const auto& type : types) {
            const auto* policy = authz::policy_for(type);
            ASSERT_NE(policy, nullptr) << type;
            if (policy->access == authz::Access::anonymous) continue;  // open to all; own tests
            // Own-account requests that would end the matrix's session have their own tests.
            if (type == "auth.logout" || type == "auth.logout_all" || type == "account.change_password" ||
                type == "devices.confirm_wipe")
                continue;
            SCOPED_TRACE(type);
            if (policy->access == authz::Access::login) {
                // A session is not a login in progress.
                EXPECT_EQ(status_of(ws->request(type, examples().at(type))), "unauthenticated");
                continue;
            }
            const bool allowed = policy->permission.empty() || granted.contains(std::string(policy->permission));
            const auto foreign_result = status_of(ws->request(type, fill(examples().at(type), foreign, std::string(foreign_session))));
            if (!allowed) {
                EXPECT_EQ(foreign_result, "forbidden");
                EXPECT_EQ(status_of(ws->request(type, fill(examples().at(type), own, std::string(own_session)))), "forbidden");
                continue;
            }
            if (policy->target != authz::Target::none) {
                EXPECT_EQ(foreign_result, "not_found");
            }
            const auto own_result = status_of(ws->request(type, fill(examples().at(type), own, std::string(own_session))));
            EXPECT_NE(own_result, "forbidden");
            EXPECT_NE(own_result, "not_found");
            EXPECT_NE(own_result, "unauthenticated");
        }
        // Nothing of the other organization changed, whatever the caller tried.
        const auto f = db.exec("SELECT status, locked, job_title, totp_secret_sealed IS NOT NULL FROM users WHERE id = '" + foreign.id + "'");
        EXPECT_EQ(f.text_or_throw(0, 0), "active");
        EXPECT_EQ(f.text_or_throw(0, 2), "");
        EXPECT_TRUE(f.boolean(0, 3));
        EXPECT_EQ(db.exec("SELECT count(*) FROM sessions WHERE user_id = '" + foreign.id + "' AND ended_at IS NOT NULL").int64(0, 0), 0);
        EXPECT_EQ(db.exec("SELECT count(*) FROM devices WHERE user_id = '" + foreign.id + "' AND revoked_at IS NOT NULL").int64(0, 0), 0);
        EXPECT_EQ(db.exec("SELECT count(*) FROM users u JOIN organizations o ON o.id = u.org_id WHERE o.name = 'Other'").int64(0, 0),
                  foreign_users);
    }
    // Every refusal of a permission left an audit record.
    EXPECT_GT(audit_count("authz.denied", "denied"), 0);
}

}  // namespace
}  // namespace wardline::test
