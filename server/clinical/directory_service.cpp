// SPDX-License-Identifier: Apache-2.0
#include "server/clinical/directory_service.hpp"

#include "server/clinical/clinical_sql.hpp"
#include "server/clinical/iso_time.hpp"
#include "server/clinical/service_support.hpp"
#include "server/storage/pg_pool.hpp"

#include <algorithm>
#include <optional>

namespace wardline::server::clinical {
namespace {

namespace asio = boost::asio;
using nlohmann::json;

std::optional<std::string> text_field(const json& body, const char* name) {
    if (auto it = body.find(name); it != body.end()) return it->get<std::string>();
    return std::nullopt;
}

}  // namespace

DirectoryService::DirectoryService(storage::PgPool& pool) : pool_(pool) {}

asio::awaitable<Outcome> DirectoryService::handle(std::string type, json body,
                                                  identity::ConnectionAuth& auth) {
    if (type != "directory.search")
        co_return Failure{Errc::unknown_type, "no handler for this request type"};
    const identity::BoundSession caller = *auth.session;
    auto work = search(std::move(body), caller);
    co_return co_await std::move(work);
}

asio::awaitable<Outcome> DirectoryService::search(json body, identity::BoundSession caller) {
    const auto query = text_field(body, "query");
    const auto department = text_field(body, "department");
    const auto role = text_field(body, "role");
    const auto after = text_field(body, "after");
    const int limit = body.value("limit", kDefaultLimit);
    storage::PgParams params{caller.org_id};
    params.optional_text(query).optional_text(department).optional_text(role);
    if (auto it = body.find("on_call"); it != body.end())
        params.boolean(it->get<bool>());
    else
        params.null();
    params.optional_text(after).integer(limit + 1);
    auto reading = pool_.query(sql::directory_search(), std::move(params));
    auto r = co_await std::move(reading);
    if (!r) co_return kUnavailable;

    json users = json::array();
    const int rows = std::min(r->rows(), limit);
    for (int i = 0; i < rows; ++i) {
        const std::string id(r->text_or_throw(i, 0));
        json on_call = json::array();
        for (const auto& s : json::parse(r->text_or_throw(i, 6)))
            on_call.push_back({{"team_id", s.at("team_id")},
                               {"team", s.at("team")},
                               {"role", s.at("role")},
                               {"until", format_utc(s.at("until").get<std::int64_t>())}});
        json roles = json::array();
        // A text[] cell: {a,b}; role names are plain words, so no quoting to undo.
        std::string cell(r->text_or_throw(i, 5));
        if (cell.size() > 2) {
            cell = cell.substr(1, cell.size() - 2);
            std::size_t start = 0;
            for (std::size_t comma; (comma = cell.find(',', start)) != std::string::npos;
                 start = comma + 1)
                roles.push_back(cell.substr(start, comma - start));
            roles.push_back(cell.substr(start));
        }
        const bool on_shift = !on_call.empty();
        users.push_back({{"id", id},
                         {"username", std::string(r->text_or_throw(i, 1))},
                         {"display_name", std::string(r->text_or_throw(i, 2))},
                         {"department", std::string(r->text_or_throw(i, 3))},
                         {"job_title", std::string(r->text_or_throw(i, 4))},
                         {"roles", std::move(roles)},
                         {"presence", std::string(r->text_or_throw(i, 8))},
                         {"on_shift", on_shift},
                         {"on_call", std::move(on_call)}});
    }
    json out{{"users", std::move(users)}};
    if (r->rows() > limit) out["next_after"] = std::string(r->text_or_throw(rows - 1, 7));
    co_return out;
}

}  // namespace wardline::server::clinical
