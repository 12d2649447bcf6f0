// SPDX-License-Identifier: Apache-2.0
#include "server/identity/admin_service.hpp"

#include "server/audit/live_chain_check.hpp"
#include "server/concurrency/worker_pool.hpp"
#include "server/identity/admin_sql.hpp"
#include "server/identity/audit_bridge.hpp"
#include "server/identity/credentials.hpp"
#include "server/identity/identity_sql.hpp"
#include "server/identity/session_registry.hpp"
#include "server/storage/pg_pool.hpp"
#include "server/storage/statements.hpp"
#include "server/storage/transaction.hpp"

#include <algorithm>
#include <cctype>

namespace wardline::server::identity {
namespace {

namespace asio = boost::asio;
using nlohmann::json;
using storage::PgLease;
using storage::PgParams;
using storage::PgResult;

const Failure kNoSuchUser{Errc::not_found, "no such user in your organization"};
const Failure kUnavailable{Errc::unavailable, "database unavailable"};

std::optional<std::string> optional_string(const json& body, const char* key) {
    auto it = body.find(key);
    if (it == body.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
}

/// The profile fields present in a users.create or users.update body, checked as text shown to
/// colleagues (Credentials::check_profile_text): empty if they are fine, else the rule broken.
std::string profile_problem(const json& body) {
    struct Field {
        const char* key;
        const char* name;
        bool required;
    };
    for (const Field f : {Field{"display_name", "the display name", true},
                          Field{"department", "the department", false},
                          Field{"job_title", "the job title", false}}) {
        if (auto text = optional_string(body, f.key)) {
            if (std::string rule = Credentials::check_profile_text(*text, f.name, 200, f.required);
                !rule.empty())
                return rule;
        }
    }
    return "";
}

/// A PostgreSQL text array literal of names that the schema limits to 1..64 characters; each
/// is quoted and escaped, so no name can break out of its element.
std::string text_array(const json& names) {
    std::string out = "{";
    for (const auto& n : names) {
        if (out.size() > 1) out += ',';
        out += '"';
        for (char c : n.get<std::string>()) {
            if (c == '"' || c == '\\') out += '\\';
            out += c;
        }
        out += '"';
    }
    return out + "}";
}

/// Parses the text form of a PostgreSQL array of simple names: {a,b}.
std::vector<std::string> parse_name_array(std::string_view text) {
    std::vector<std::string> out;
    if (text.size() < 2) return out;
    text = text.substr(1, text.size() - 2);
    while (!text.empty()) {
        const auto comma = text.find(',');
        std::string item(text.substr(0, comma));
        if (item.size() >= 2 && item.front() == '"') item = item.substr(1, item.size() - 2);
        out.push_back(std::move(item));
        if (comma == std::string_view::npos) break;
        text.remove_prefix(comma + 1);
    }
    return out;
}

json user_row(const PgResult& r, int i) {
    return json{{"id", std::string(r.text_or_throw(i, 0))},
                {"username", std::string(r.text_or_throw(i, 1))},
                {"display_name", std::string(r.text_or_throw(i, 2))},
                {"department", std::string(r.text_or_throw(i, 3))},
                {"job_title", std::string(r.text_or_throw(i, 4))},
                {"status", std::string(r.text_or_throw(i, 5))},
                {"locked", r.boolean(i, 6)},
                {"mfa_enrolled", r.boolean(i, 7)},
                {"roles", parse_name_array(r.text_or_throw(i, 8))}};
}

}  // namespace

bool is_uuid(std::string_view t) noexcept {
    if (t.size() != 36) return false;
    for (std::size_t i = 0; i < t.size(); ++i) {
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? t[i] != '-' : !std::isxdigit(static_cast<unsigned char>(t[i]))) return false;
    }
    return true;
}

AdminService::AdminService(storage::PgPool& pool, WorkerPool& workers, SessionRegistry& sessions,
                           const Credentials& credentials, audit::LiveChainCheck& chain_check)
    : pool_(pool), workers_(workers), sessions_(sessions), credentials_(credentials),
      chain_check_(chain_check), device_control_(pool, sessions) {}

boost::asio::awaitable<Outcome> AdminService::handle(std::string type, json body, ConnectionAuth& auth) {
    // authorize() guaranteed a session; copy what the handlers need, since the session may end
    // while they wait.
    const BoundSession caller = *auth.session;
    const std::string source = auth.source_address;
    for (const char* key : {"user_id", "device_id", "session_id"}) {
        if (auto id = optional_string(body, key); id && !is_uuid(*id)) {
            if (std::string_view(key) == "user_id") co_return kNoSuchUser;
            co_return Failure{Errc::not_found, std::string("no such ") +
                                                   (key[0] == 'd' ? "device" : "session") +
                                                   " in your organization"};
        }
    }
    boost::asio::awaitable<Outcome> work;
    if (DeviceControl::handles(type))
        work = device_control_.handle(std::move(type), std::move(body), caller, source);
    else if (type == "users.list")
        work = list(std::move(body), caller);
    else if (type == "users.create")
        work = create(std::move(body), caller, source);
    else if (type == "users.reset_password")
        work = reset_password(std::move(body), caller, source);
    else if (type == "users.devices")
        work = devices(std::move(body), caller);
    else if (type == "users.sessions")
        work = sessions(std::move(body), caller);
    else if (type == "org.get_policy" || type == "org.set_policy")
        work = policy(std::move(type), std::move(body), caller, source);
    else if (type == "audit.query")
        work = audit_query(std::move(body), caller, source);
    else if (type == "audit.verify")
        work = audit_verify(caller, source);
    else if (type == "devices.revoke" || type == "sessions.revoke")
        work = revoke(std::move(type), std::move(body), caller, source);
    else if (type.starts_with("users."))
        work = change(std::move(type), std::move(body), caller, source);
    else
        co_return Failure{Errc::unknown_type, "no handler for this request type"};
    co_return co_await std::move(work);
}

boost::asio::awaitable<Outcome> AdminService::user_json(std::string org_id, std::string user_id) {
    PgParams params{org_id, user_id};
    auto querying = pool_.query(admin_sql::user_get(), std::move(params));
    auto r = co_await std::move(querying);
    if (!r) co_return kUnavailable;
    if (r->rows() != 1) co_return kNoSuchUser;
    co_return json{{"user", user_row(*r, 0)}};
}

boost::asio::awaitable<Outcome> AdminService::list(json body, BoundSession caller) {
    const int limit = body.value("limit", 50);
    PgParams params{caller.org_id};
    params.optional_text(optional_string(body, "query"))
        .optional_text(optional_string(body, "status"))
        .optional_text(optional_string(body, "after"))
        .integer(limit + 1);
    auto querying = pool_.query(admin_sql::users_list(), std::move(params));
    auto r = co_await std::move(querying);
    if (!r) co_return kUnavailable;
    json users = json::array();
    const int shown = std::min(r->rows(), limit);
    for (int i = 0; i < shown; ++i) users.push_back(user_row(*r, i));
    json out{{"users", std::move(users)}};
    if (r->rows() > limit) out["next_after"] = std::string(r->text_or_throw(shown - 1, 9));
    co_return out;
}

boost::asio::awaitable<Outcome> AdminService::create(json body, BoundSession caller, std::string source) {
    const auto forms = credentials_.username_forms(body.at("username").get<std::string>());
    if (const auto* rule = std::get_if<std::string>(&forms)) co_return Failure{Errc::bad_request, *rule};
    if (std::string rule = profile_problem(body); !rule.empty()) co_return Failure{Errc::bad_request, rule};
    const auto& names = std::get<Credentials::UsernameForms>(forms);
    const std::string typed = body.at("username").get<std::string>();
    const std::string one_time = credentials_.new_one_time_password();
    const Credentials& creds = credentials_;
    auto hashing = workers_.run([&creds, one_time] { return creds.hash_password(one_time); });
    auto hashed = co_await std::move(hashing);
    if (!hashed) co_return Failure{Errc::unavailable, "server busy; retry"};
    const std::string hash = *hashed;
    const std::string roles = text_array(body.at("roles"));
    const std::size_t role_count = body.at("roles").size();
    auto lease = co_await pool_.acquire();
    if (!lease) co_return kUnavailable;
    std::string user_id;
    std::string refusal;
    auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
        PgParams params{caller.org_id, typed, names.canonical, names.skeleton,
                        body.at("display_name").get<std::string>(),
                        body.value("department", std::string()), body.value("job_title", std::string()), hash};
        auto inserted = co_await l.query(admin_sql::user_create(), std::move(params));
        if (!inserted) co_return inserted.error();
        if (inserted->rows() != 1) {
            refusal = "that username, or one that looks like it, is already taken";
            co_return Errc::conflict;
        }
        user_id = std::string(inserted->text_or_throw(0, 0));
        PgParams role_params{user_id, caller.org_id, roles};
        auto added = co_await l.query(admin_sql::user_roles_add(), std::move(role_params));
        if (!added) co_return added.error();
        if (static_cast<std::size_t>(added->rows()) != role_count) {
            refusal = "unknown role name (see docs/permissions.md)";
            co_return Errc::conflict;
        }
        AuditNote n = caller_note(caller, "user.create", "user", user_id, source);
        n.details["roles"] = body.at("roles");
        auto writing = write_audit(l, std::move(n));
        co_return co_await std::move(writing);
    };
    auto done = co_await storage::with_transaction(*lease, work);
    lease->release();
    if (!done) {
        if (!refusal.empty()) co_return Failure{refusal.starts_with("unknown") ? Errc::bad_request : Errc::conflict, refusal};
        co_return kUnavailable;
    }
    auto loading = user_json(caller.org_id, user_id);
    auto user = co_await std::move(loading);
    if (auto* j = std::get_if<json>(&user)) (*j)["one_time_password"] = one_time;
    co_return user;
}

boost::asio::awaitable<Outcome> AdminService::change(std::string type, json body, BoundSession caller,
                                                     std::string source) {
    const std::string user_id = body.at("user_id").get<std::string>();
    std::optional<EndReason> ends;
    if (type == "users.suspend") ends = EndReason::user_suspended;
    if (type == "users.deactivate") ends = EndReason::user_deactivated;
    if (type == "users.reset_mfa") ends = EndReason::credentials_reset;
    if (ends && user_id == caller.user_id)
        co_return Failure{Errc::conflict, "you cannot do this to your own account"};
    if (type == "users.update") {
        if (std::string rule = profile_problem(body); !rule.empty()) co_return Failure{Errc::bad_request, rule};
    }
    auto lease = co_await pool_.acquire();
    if (!lease) co_return kUnavailable;
    std::string refusal;
    auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
        Result<PgResult> r = Errc::internal;
        AuditNote n = caller_note(caller, "", "user", user_id, source);
        if (type == "users.update") {
            n.action = "user.update";
            PgParams params{caller.org_id, user_id};
            params.optional_text(optional_string(body, "display_name"))
                .optional_text(optional_string(body, "department"))
                .optional_text(optional_string(body, "job_title"));
            for (const char* k : {"display_name", "department", "job_title"})
                if (body.contains(k)) n.details["changed"].push_back(k);
            r = co_await l.query(admin_sql::user_update(), std::move(params));
        } else if (type == "users.set_roles") {
            n.action = "user.set_roles";
            n.details["roles"] = body.at("roles");
            PgParams check{caller.org_id, user_id};
            r = co_await l.query(admin_sql::user_get(), std::move(check));
            if (r && r->rows() == 1) {
                PgParams clear{user_id};
                auto cleared = co_await l.query(admin_sql::user_roles_clear(), std::move(clear));
                if (!cleared) co_return cleared.error();
                PgParams add{user_id, caller.org_id, text_array(body.at("roles"))};
                auto added = co_await l.query(admin_sql::user_roles_add(), std::move(add));
                if (!added) co_return added.error();
                if (static_cast<std::size_t>(added->rows()) != body.at("roles").size()) {
                    refusal = "unknown role name (see docs/permissions.md)";
                    co_return Errc::bad_request;
                }
            }
        } else if (type == "users.unlock") {
            n.action = "user.unlock";
            PgParams params{caller.org_id, user_id};
            r = co_await l.query(admin_sql::user_unlock(), std::move(params));
        } else if (type == "users.reset_mfa") {
            n.action = "user.reset_mfa";
            n.high_severity = true;
            PgParams params{caller.org_id, user_id};
            r = co_await l.query(admin_sql::user_reset_mfa(), std::move(params));
            if (r && r->rows() == 1) {
                PgParams clear{user_id};
                auto cleared = co_await l.query(admin_sql::recovery_codes_clear(), std::move(clear));
                if (!cleared) co_return cleared.error();
            }
        } else {
            // suspend, reactivate, deactivate
            std::string to = "suspended";
            std::string from = "{active}";
            if (type == "users.reactivate") {
                to = "active";
                from = "{suspended}";
            } else if (type == "users.deactivate") {
                to = "deactivated";
                from = "{active,suspended}";
            }
            n.action = "user." + type.substr(6);
            PgParams params{caller.org_id, user_id, to, from};
            r = co_await l.query(admin_sql::user_set_status(), std::move(params));
            if (r && r->rows() != 1) {
                // Tell "not ours" from "not in a state this applies to", for our own users only.
                PgParams check{caller.org_id, user_id};
                auto exists = co_await l.query(admin_sql::user_get(), std::move(check));
                if (!exists) co_return exists.error();
                if (exists->rows() == 1) {
                    refusal = "the user is " + std::string(exists->text_or_throw(0, 5));
                    co_return Errc::conflict;
                }
            }
        }
        if (!r) co_return r.error();
        if (r->rows() != 1) co_return Errc::not_found;
        if (ends) {
            PgParams end{user_id, std::string(to_string(*ends))};
            end.null();
            auto ended = co_await l.query(sql::sessions_end_for_user(), std::move(end));
            if (!ended) co_return ended.error();
            n.details["sessions_ended"] = ended->rows();
        }
        auto writing = write_audit(l, std::move(n));
        co_return co_await std::move(writing);
    };
    auto done = co_await storage::with_transaction(*lease, work);
    lease->release();
    if (!done) {
        if (!refusal.empty())
            co_return Failure{done.error() == make_error_code(Errc::conflict) ? Errc::conflict : Errc::bad_request, refusal};
        if (done.error() == make_error_code(Errc::not_found)) co_return kNoSuchUser;
        co_return kUnavailable;
    }
    if (ends) sessions_.end_user(user_id, *ends);
    if (type == "users.reset_mfa" || type == "users.unlock") co_return json::object();
    auto loading = user_json(caller.org_id, user_id);
    co_return co_await std::move(loading);
}

boost::asio::awaitable<Outcome> AdminService::reset_password(json body, BoundSession caller, std::string source) {
    const std::string user_id = body.at("user_id").get<std::string>();
    const std::string one_time = credentials_.new_one_time_password();
    const Credentials& creds = credentials_;
    auto hashing = workers_.run([&creds, one_time] { return creds.hash_password(one_time); });
    auto hashed = co_await std::move(hashing);
    if (!hashed) co_return Failure{Errc::unavailable, "server busy; retry"};
    const std::string hash = *hashed;
    auto lease = co_await pool_.acquire();
    if (!lease) co_return kUnavailable;
    auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
        PgParams params{caller.org_id, user_id, hash};
        auto r = co_await l.query(admin_sql::user_reset_password(), std::move(params));
        if (!r) co_return r.error();
        if (r->rows() != 1) co_return Errc::not_found;
        PgParams end{user_id, "credentials_reset"};
        end.null();
        auto ended = co_await l.query(sql::sessions_end_for_user(), std::move(end));
        if (!ended) co_return ended.error();
        AuditNote n = caller_note(caller, "user.reset_password", "user", user_id, source);
        n.high_severity = true;
        n.details["sessions_ended"] = ended->rows();
        auto writing = write_audit(l, std::move(n));
        co_return co_await std::move(writing);
    };
    auto done = co_await storage::with_transaction(*lease, work);
    lease->release();
    if (!done) co_return done.error() == make_error_code(Errc::not_found) ? kNoSuchUser : kUnavailable;
    sessions_.end_user(user_id, EndReason::credentials_reset);
    co_return json{{"one_time_password", one_time}};
}

boost::asio::awaitable<Outcome> AdminService::devices(json body, BoundSession caller) {
    const std::string user_id = body.at("user_id").get<std::string>();
    auto checking = user_json(caller.org_id, user_id);
    if (auto exists = co_await std::move(checking); std::holds_alternative<Failure>(exists)) co_return exists;
    PgParams params{caller.org_id, user_id};
    auto querying = pool_.query(admin_sql::user_devices(), std::move(params));
    auto r = co_await std::move(querying);
    if (!r) co_return kUnavailable;
    json out = json::array();
    for (int i = 0; i < r->rows(); ++i) {
        json d{{"id", std::string(r->text_or_throw(i, 0))},
               {"name", std::string(r->text_or_throw(i, 1))},
               {"platform", std::string(r->text_or_throw(i, 2))},
               {"first_seen_ms", r->int64(i, 3)},
               {"last_seen_ms", r->int64(i, 4)},
               {"revoked", r->boolean(i, 5)},
               {"last_address", std::string(r->text_or_throw(i, 6))},
               {"state", std::string(r->text_or_throw(i, 7))}};
        // The times behind the state, each only once it happened.
        int column = 8;
        for (const char* key : {"quarantined_ms", "wipe_requested_ms", "wipe_delivered_ms", "wiped_ms", "revoked_ms"}) {
            if (!r->is_null(i, column)) d[key] = r->int64(i, column);
            ++column;
        }
        if (d["state"] == "quarantined") d["quarantine_reason"] = std::string(r->text_or_throw(i, 13));
        out.push_back(std::move(d));
    }
    co_return json{{"devices", std::move(out)}};
}

boost::asio::awaitable<Outcome> AdminService::sessions(json body, BoundSession caller) {
    const std::string user_id = body.at("user_id").get<std::string>();
    auto checking = user_json(caller.org_id, user_id);
    if (auto exists = co_await std::move(checking); std::holds_alternative<Failure>(exists)) co_return exists;
    PgParams params{caller.org_id, user_id};
    auto querying = pool_.query(admin_sql::user_sessions(), std::move(params));
    auto r = co_await std::move(querying);
    if (!r) co_return kUnavailable;
    json out = json::array();
    for (int i = 0; i < r->rows(); ++i)
        out.push_back({{"id", std::string(r->text_or_throw(i, 0))},
                       {"device_id", std::string(r->text_or_throw(i, 1))},
                       {"created_ms", r->int64(i, 2)},
                       {"last_seen_ms", r->int64(i, 3)},
                       {"expires_at_ms", r->int64(i, 4)},
                       {"source_address", std::string(r->text_or_throw(i, 5))}});
    co_return json{{"sessions", std::move(out)}};
}

boost::asio::awaitable<Outcome> AdminService::revoke(std::string type, json body, BoundSession caller,
                                                     std::string source) {
    const bool device = type == "devices.revoke";
    const std::string id = body.at(device ? "device_id" : "session_id").get<std::string>();
    const Failure missing{Errc::not_found, device ? "no such live device in your organization"
                                                  : "no such live session in your organization"};
    auto lease = co_await pool_.acquire();
    if (!lease) co_return kUnavailable;
    auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
        PgParams params{caller.org_id, id};
        auto r = co_await l.query(device ? admin_sql::device_revoke() : admin_sql::session_revoke(),
                                  std::move(params));
        if (!r) co_return r.error();
        if (r->rows() != 1) co_return Errc::not_found;
        AuditNote n = caller_note(caller, device ? "device.revoke" : "session.revoke",
                                 device ? "device" : "session", id, source);
        n.details["user_id"] = std::string(r->text_or_throw(0, 0));
        if (device) {
            n.high_severity = true;
            PgParams end{id, "device_revoked"};
            auto ended = co_await l.query(sql::sessions_end_for_device(), std::move(end));
            if (!ended) co_return ended.error();
            n.details["sessions_ended"] = ended->rows();
            // Nobody may add a revoked device to a group: its KeyPackages go too.
            PgParams drop{id};
            auto dropped = co_await l.query(admin_sql::key_packages_delete_for_device(), std::move(drop));
            if (!dropped) co_return dropped.error();
            n.details["key_packages_deleted"] = dropped->affected_rows();
        }
        auto writing = write_audit(l, std::move(n));
        co_return co_await std::move(writing);
    };
    auto done = co_await storage::with_transaction(*lease, work);
    lease->release();
    if (!done) co_return done.error() == make_error_code(Errc::not_found) ? missing : kUnavailable;
    if (device)
        sessions_.end_device(id, EndReason::device_revoked);
    else
        sessions_.end_session(id, EndReason::revoked);
    co_return json::object();
}

boost::asio::awaitable<Outcome> AdminService::policy(std::string type, json body, BoundSession caller,
                                                     std::string source) {
    static constexpr const char* kFields[] = {"mfa_required", "session_idle_timeout_seconds",
                                              "session_absolute_lifetime_seconds", "lockout_threshold",
                                              "break_glass_minutes", "notification_detail"};
    auto render = [](const PgResult& r) {
        return json{{"policy",
                     {{"mfa_required", r.boolean(0, 0)},
                      {"session_idle_timeout_seconds", r.int64(0, 1)},
                      {"session_absolute_lifetime_seconds", r.int64(0, 2)},
                      {"lockout_threshold", r.int64(0, 3)},
                      {"break_glass_minutes", r.int64(0, 4)},
                      {"notification_detail", std::string(r.text_or_throw(0, 5))}}}};
    };
    if (type == "org.get_policy") {
        PgParams params{caller.org_id};
        auto reading = pool_.query(admin_sql::org_policy_get(), std::move(params));
        auto r = co_await std::move(reading);
        if (!r || r->rows() != 1) co_return kUnavailable;
        co_return render(*r);
    }
    PgParams params{caller.org_id};
    auto it = body.find("mfa_required");
    if (it != body.end())
        params.boolean(it->get<bool>());
    else
        params.null();
    for (const char* k : {"session_idle_timeout_seconds", "session_absolute_lifetime_seconds", "lockout_threshold",
                          "break_glass_minutes"}) {
        if (auto f = body.find(k); f != body.end())
            params.integer(f->get<std::int64_t>());
        else
            params.null();
    }
    if (auto detail = optional_string(body, "notification_detail"))  // the schema's enum
        params.text(*detail);
    else
        params.null();
    auto lease = co_await pool_.acquire();
    if (!lease) co_return kUnavailable;
    json out;
    auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
        auto r = co_await l.query(admin_sql::org_policy_set(), params);
        if (!r) co_return r.error();
        if (r->rows() != 1) co_return Errc::not_found;
        out = render(*r);
        AuditNote n = caller_note(caller, "org.policy_change", "organization", caller.org_id, source);
        for (const char* k : kFields)
            if (body.contains(k)) n.details["changed"][k] = body[k];
        n.high_severity = body.contains("mfa_required") && !body["mfa_required"].get<bool>();
        auto writing = write_audit(l, std::move(n));
        co_return co_await std::move(writing);
    };
    auto done = co_await storage::with_transaction(*lease, work);
    lease->release();
    if (!done) co_return kUnavailable;
    co_return out;
}

boost::asio::awaitable<Outcome> AdminService::audit_query(json body, BoundSession caller, std::string source) {
    const int limit = body.value("limit", 100);
    auto optional_int = [&](const char* key, PgParams& p) {
        if (auto it = body.find(key); it != body.end())
            p.integer(it->get<std::int64_t>());
        else
            p.null();
    };
    PgParams params{caller.org_id};
    params.optional_text(optional_string(body, "actor_id"))
        .optional_text(optional_string(body, "action"))
        .optional_text(optional_string(body, "target_id"))
        .optional_text(optional_string(body, "outcome"));
    optional_int("from_ms", params);
    optional_int("to_ms", params);
    optional_int("before_seq", params);
    params.integer(limit + 1);
    auto lease = co_await pool_.acquire();
    if (!lease) co_return kUnavailable;
    json records = json::array();
    std::optional<std::int64_t> next;
    // The search and its own audit record commit together: nobody reads the trail unseen.
    auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
        records = json::array();
        auto r = co_await l.query(storage::statement("audit_query"), params);
        if (!r) co_return r.error();
        const int shown = std::min(r->rows(), limit);
        for (int i = 0; i < shown; ++i)
            records.push_back({{"seq", r->int64(i, 0)}, {"time_ms", r->int64(i, 1)},
                               {"actor_kind", std::string(r->text_or_throw(i, 2))},
                               {"actor_id", std::string(r->text_or_throw(i, 3))},
                               {"action", std::string(r->text_or_throw(i, 4))},
                               {"target_kind", std::string(r->text_or_throw(i, 5))},
                               {"target_id", std::string(r->text_or_throw(i, 6))},
                               {"outcome", std::string(r->text_or_throw(i, 7))},
                               {"severity", std::string(r->text_or_throw(i, 8))},
                               {"source_address", std::string(r->text_or_throw(i, 9))},
                               {"details", std::string(r->text_or_throw(i, 10))}});
        if (r->rows() > limit) next = r->int64(shown - 1, 0);
        AuditNote n = caller_note(caller, "audit.query", "", "", source);
        json filters = body;
        filters.erase("limit");
        n.details["filters"] = std::move(filters);
        n.details["returned"] = shown;
        auto writing = write_audit(l, std::move(n));
        co_return co_await std::move(writing);
    };
    auto done = co_await storage::with_transaction(*lease, work);
    lease->release();
    if (!done) co_return kUnavailable;
    json out{{"records", std::move(records)}};
    if (next) out["next_before_seq"] = *next;
    co_return out;
}

boost::asio::awaitable<Outcome> AdminService::audit_verify(BoundSession caller, std::string source) {
    auto checking = chain_check_.run();
    auto verdict = co_await std::move(checking);
    if (!verdict && verdict.error() == Errc::conflict)
        co_return Failure{Errc::conflict, "a check of the audit chain is running; ask again when it ends"};
    if (!verdict) co_return kUnavailable;
    // The verdict is itself audited: high severity when the chain is broken.
    AuditNote n = caller_note(caller, "audit.verify", "", "", source);
    n.outcome = verdict->ok ? "success" : "failure";
    n.high_severity = !verdict->ok;
    n.details["records"] = verdict->records;
    n.details["checkpoint"] = verdict->checkpoint;
    if (!verdict->ok) n.details["bad_seq"] = verdict->bad_seq;
    auto lease = co_await pool_.acquire();
    if (!lease) co_return kUnavailable;
    auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
        auto writing = write_audit(l, n);
        co_return co_await std::move(writing);
    };
    auto written = co_await storage::with_transaction(*lease, work);
    lease->release();
    if (!written) co_return kUnavailable;
    json out{{"ok", verdict->ok},
             {"records", verdict->records},
             {"checkpoint", verdict->checkpoint},
             {"summary", verdict->summary()}};
    if (!verdict->ok) {
        out["bad_seq"] = verdict->bad_seq;
        out["problem"] = verdict->problem;
    }
    co_return out;
}

}  // namespace wardline::server::identity
