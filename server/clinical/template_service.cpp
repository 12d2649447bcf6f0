// SPDX-License-Identifier: Apache-2.0
// Order: (session and permission checked by the dispatcher) validate, act and audit in one
// transaction, respond. Audit records carry the template id only, never its texts.
#include "server/clinical/template_service.hpp"

#include "server/clinical/clinical_sql.hpp"
#include "server/clinical/iso_time.hpp"
#include "server/clinical/service_support.hpp"
#include "server/clinical/template_rules.hpp"
#include "server/identity/admin_service.hpp"
#include "server/storage/pg_pool.hpp"
#include "server/storage/transaction.hpp"

#include <optional>

namespace wardline::server::clinical {
namespace {

namespace asio = boost::asio;
using nlohmann::json;
using storage::PgLease;
using storage::PgParams;

const Failure kNoSuchTemplate{Errc::not_found, "no such template in your organization"};

json template_json(const storage::PgResult& r, int row) {
    return json{{"id", std::string(r.text_or_throw(row, 0))},
                {"title", std::string(r.text_or_throw(row, 1))},
                {"body", std::string(r.text_or_throw(row, 2))},
                {"updated_at", format_utc(r.int64(row, 3))}};
}

std::optional<std::string> text_field(const json& body, const char* name) {
    if (auto it = body.find(name); it != body.end()) return it->get<std::string>();
    return std::nullopt;
}

}  // namespace

TemplateService::TemplateService(storage::PgPool& pool) : pool_(pool) {}

asio::awaitable<Outcome> TemplateService::handle(std::string type, json body,
                                                 identity::ConnectionAuth& auth) {
    const identity::BoundSession caller = *auth.session;
    const std::string source = auth.source_address;
    asio::awaitable<Outcome> work;
    if (type == "templates.list")
        work = list(caller);
    else if (type == "templates.create" || type == "templates.update" || type == "templates.delete")
        work = change(std::move(type), std::move(body), caller, source);
    else
        co_return Failure{Errc::unknown_type, "no handler for this request type"};
    co_return co_await std::move(work);
}

asio::awaitable<Outcome> TemplateService::list(identity::BoundSession caller) {
    PgParams params{caller.org_id};
    auto reading = pool_.query(sql::templates_list(), std::move(params));
    auto r = co_await std::move(reading);
    if (!r) co_return kUnavailable;
    json templates = json::array();
    for (int i = 0; i < r->rows(); ++i) templates.push_back(template_json(*r, i));
    co_return json{{"templates", std::move(templates)}};
}

asio::awaitable<Outcome> TemplateService::change(std::string type, json body,
                                                 identity::BoundSession caller,
                                                 std::string source) {
    const auto title = text_field(body, "title");
    const auto text = text_field(body, "body");
    const auto template_id = text_field(body, "template_id");
    if (title)
        if (std::string rule = check_template_title(*title); !rule.empty())
            co_return Failure{Errc::bad_request, rule};
    if (text)
        if (std::string rule = check_template_body(*text); !rule.empty())
            co_return Failure{Errc::bad_request, rule};
    if (template_id && !identity::is_uuid(*template_id))
        co_return Failure{Errc::bad_request, "template_id must be a UUID"};
    if (type == "templates.update" && !title && !text)
        co_return Failure{Errc::bad_request, "give a new title, a new body or both"};

    auto lease = co_await pool_.acquire();
    if (!lease) co_return kUnavailable;
    json out;
    std::optional<Failure> refusal;
    auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
        refusal.reset();
        std::string id;
        std::string action;
        if (type == "templates.create") {
            PgParams org{caller.org_id};
            auto counting = l.query(sql::template_count(), std::move(org));
            auto counted = co_await std::move(counting);
            if (!counted) co_return counted.error();
            if (counted->int64(0, 0) >= kMaxTemplates) {
                refusal = Failure{Errc::conflict,
                                  "the organization has the most templates allowed (200)"};
                co_return Errc::conflict;
            }
            PgParams row{caller.org_id, *title, *text};
            auto inserting = l.query(sql::template_insert(), std::move(row));
            auto inserted = co_await std::move(inserting);
            if (!inserted) co_return inserted.error();
            out = json{{"template", template_json(*inserted, 0)}};
            id = out["template"]["id"];
            action = "template.create";
        } else if (type == "templates.update") {
            PgParams row{caller.org_id, *template_id};
            row.optional_text(title).optional_text(text);
            auto updating = l.query(sql::template_update(), std::move(row));
            auto updated = co_await std::move(updating);
            if (!updated) co_return updated.error();
            if (updated->rows() != 1) {
                refusal = kNoSuchTemplate;
                co_return Errc::not_found;
            }
            out = json{{"template", template_json(*updated, 0)}};
            id = *template_id;
            action = "template.update";
        } else {
            PgParams row{caller.org_id, *template_id};
            auto deleting = l.query(sql::template_delete(), std::move(row));
            auto deleted = co_await std::move(deleting);
            if (!deleted) co_return deleted.error();
            if (deleted->rows() != 1) {
                refusal = kNoSuchTemplate;
                co_return Errc::not_found;
            }
            out = json{{"deleted", *template_id}};
            id = *template_id;
            action = "template.delete";
        }
        identity::AuditNote n = caller_note(caller, action, "message_template", id, source);
        if (action == "template.update") {
            n.details["title_changed"] = title.has_value();
            n.details["body_changed"] = text.has_value();
        }
        auto writing = identity::write_audit(l, std::move(n));
        co_return co_await std::move(writing);
    };
    auto transacting = storage::with_transaction(*lease, work);
    auto done = co_await std::move(transacting);
    lease->release();
    if (!done) co_return refusal ? *refusal : kUnavailable;
    co_return out;
}

}  // namespace wardline::server::clinical
