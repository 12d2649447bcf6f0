// SPDX-License-Identifier: Apache-2.0
#include "server/authz/request_policy.hpp"

#include <algorithm>
#include <array>

namespace wardline::server::authz {
namespace {

using enum Access;
using enum Target;

// Sorted by type (checked by a test), so lookups can bisect.
constexpr std::array kPolicies = std::to_array<RequestPolicy>({
    {"account.change_password", session, "", none},
    {"account.quiet_hours.get", session, "", none},
    {"account.quiet_hours.set", session, "", none},
    {"audit.query", session, "audit.read", none},
    {"audit.verify", session, "audit.read", none},
    {"auth.challenge", anonymous, "", none},
    {"auth.change_password", login, "", none},
    {"auth.login", anonymous, "", none},
    {"auth.logout", session, "", none},
    {"auth.logout_all", session, "", none},
    {"auth.mfa_confirm", login, "", none},
    {"auth.mfa_enroll", login, "", none},
    {"auth.mfa_verify", login, "", none},
    {"auth.resume", anonymous, "", none},
    {"break_glass.list", session, "break_glass.review", none},
    {"break_glass.open", session, "break_glass", none},
    {"break_glass.revoke", session, "break_glass.review", none},
    {"conversations.add_members", session, "conversations.create", none},
    {"conversations.archive", session, "chat.use", none},
    {"conversations.create", session, "conversations.create", none},
    {"conversations.discover", session, "chat.use", none},
    {"conversations.get", session, "chat.use", none},
    {"conversations.join", session, "chat.use", none},
    {"conversations.list", session, "chat.use", none},
    {"conversations.remove_member", session, "chat.use", none},
    {"conversations.set_role", session, "chat.use", none},
    {"conversations.update", session, "chat.use", none},
    {"delivery.external_sender", session, "", none},
    {"devices.confirm_wipe", session, "", none},
    {"devices.quarantine", session, "devices.manage", org_device},
    {"devices.release", session, "devices.manage", org_device},
    {"devices.revoke", session, "devices.manage", org_device},
    {"devices.wipe", session, "devices.manage", org_device},
    {"directory.search", session, "directory.read", none},
    {"escalation_rules.delete", session, "org.settings", none},
    {"escalation_rules.list", session, "org.settings", none},
    {"escalation_rules.set", session, "org.settings", none},
    {"group_info.get", session, "chat.use", none},
    {"handshake.submit", session, "chat.use", none},
    {"key_packages.claim", session, "conversations.create", org_user},
    {"key_packages.status", session, "", none},
    {"key_packages.upload", session, "", none},
    {"legal_holds.confirm_release", session, "legal_hold.manage", none},
    {"legal_holds.list", session, "legal_hold.manage", none},
    {"legal_holds.place", session, "legal_hold.manage", none},
    {"legal_holds.release", session, "legal_hold.manage", none},
    {"messages.acknowledge", session, "chat.use", none},
    {"messages.delivered", session, "chat.use", none},
    {"messages.read", session, "chat.use", none},
    {"messages.recall", session, "chat.use", none},
    {"messages.send", session, "chat.use", none},
    {"messages.sync", session, "chat.use", none},
    {"messages.typing", session, "chat.use", none},
    {"oncall.now", session, "directory.read", none},
    {"oncall.shifts.add", session, "org.settings", none},
    {"oncall.shifts.list", session, "org.settings", none},
    {"oncall.shifts.remove", session, "org.settings", none},
    {"oncall.teams.create", session, "org.settings", none},
    {"oncall.teams.list", session, "directory.read", none},
    {"org.get_policy", session, "org.settings", none},
    {"org.set_policy", session, "org.settings", none},
    {"patients.find", session, "chat.use", none},
    {"presence.set", session, "", none},
    {"receipts.get", session, "chat.use", none},
    {"reports.metrics", session, "metrics.read", none},
    {"retention.changes.confirm", session, "retention.manage", none},
    {"retention.changes.reject", session, "retention.manage", none},
    {"retention.policies.list", session, "retention.manage", none},
    {"retention.policies.set", session, "retention.manage", none},
    {"retention.preview", session, "retention.manage", none},
    {"sessions.revoke", session, "devices.manage", org_session},
    {"system.hello", anonymous, "", none},
    {"system.ping", anonymous, "", none},
    {"system.status", anonymous, "", none},
    {"templates.create", session, "org.settings", none},
    {"templates.delete", session, "org.settings", none},
    {"templates.list", session, "chat.use", none},
    {"templates.update", session, "org.settings", none},
    {"users.create", session, "users.manage", none},
    {"users.deactivate", session, "users.manage", org_user},
    {"users.devices", session, "users.read", org_user},
    {"users.list", session, "users.read", none},
    {"users.reactivate", session, "users.manage", org_user},
    {"users.reset_mfa", session, "users.credentials", org_user},
    {"users.reset_password", session, "users.credentials", org_user},
    {"users.sessions", session, "users.read", org_user},
    {"users.set_roles", session, "roles.assign", org_user},
    {"users.suspend", session, "users.manage", org_user},
    {"users.unlock", session, "users.credentials", org_user},
    {"users.update", session, "users.manage", org_user},
});

// Sorted: what a held device may still ask for, beyond the requests that need no session.
constexpr std::array<std::string_view, 3> kAllowedWhileQuarantined{
    "account.change_password", "auth.logout", "auth.logout_all"};
constexpr std::array<std::string_view, 2> kAllowedWhileWipePending{"auth.logout",
                                                                   "devices.confirm_wipe"};

constexpr std::array<std::string_view, 18> kPermissions{
    "audit.export",      "audit.read",           "break_glass",       "break_glass.review",
    "chat.use",          "conversations.create", "devices.manage",    "directory.read",
    "ediscovery.export", "legal_hold.manage",    "metrics.read",      "org.settings",
    "patient_threads.create", "retention.manage", "roles.assign",     "users.credentials",
    "users.manage",      "users.read",
};

}  // namespace

std::span<const RequestPolicy> request_policies() noexcept { return kPolicies; }

const RequestPolicy* policy_for(std::string_view type) noexcept {
    const auto it = std::lower_bound(kPolicies.begin(), kPolicies.end(), type,
                                     [](const RequestPolicy& p, std::string_view t) { return p.type < t; });
    return it != kPolicies.end() && it->type == type ? &*it : nullptr;
}

std::span<const std::string_view> requests_allowed_under(DeviceHold hold) noexcept {
    switch (hold) {
        case DeviceHold::none: return {};
        case DeviceHold::quarantined: return kAllowedWhileQuarantined;
        case DeviceHold::wipe_pending: return kAllowedWhileWipePending;
    }
    return {};
}

bool allowed_under_hold(const RequestPolicy& policy, DeviceHold hold) noexcept {
    if (hold == DeviceHold::none || policy.access != Access::session) return true;
    const auto allowed = requests_allowed_under(hold);
    return std::binary_search(allowed.begin(), allowed.end(), policy.type);
}

std::span<const std::string_view> known_permissions() noexcept { return kPermissions; }

std::string describe(const RequestPolicy& policy) {
    if (!policy.permission.empty()) return "permission " + std::string(policy.permission);
    switch (policy.access) {
        case Access::anonymous: return "none";
        case Access::login: return "login";
        case Access::session: return "session";
    }
    return "?";
}

}  // namespace wardline::server::authz
