// SPDX-License-Identifier: Apache-2.0
#pragma once
// Conversations and patient threads (issue #5; docs/architecture.md, "Conversations"):
// conversations.* and patients.find. The dispatcher has already checked the session and the
// permission of the request type (server/authz/request_policy.cpp); what depends on the
// body (the kind created, ownership, membership) is checked here. Every statement is scoped
// to the caller's organization, and a conversation the caller may not see answers the same
// not_found as an unknown id.
#include "server/identity/audit_bridge.hpp"
#include "server/identity/connection_auth.hpp"
#include "server/protocol/outcome.hpp"

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace wardline::server::storage {
class PgPool;
}
namespace wardline::server::identity {
class Credentials;
class SessionRegistry;
}  // namespace wardline::server::identity
namespace wardline::server::conversations::detail {
struct Refusal;
}

namespace wardline::server::conversations {

class BlindIndexKey;

class ConversationService {
public:
    /// Members one conversation may have (the creator included); add_members beyond it is
    /// refused with conflict. Documented in proto/wardline.schema.json.
    static constexpr std::int64_t kMaxMembers = 2000;
    /// Page size of conversations.list and conversations.discover when the body names none.
    static constexpr std::int64_t kDefaultPage = 50;

    /// `mrn_key` is null when identity.blind_index_key_file is not configured: patient threads
    /// are then refused (unavailable) and everything else works.
    /// `now` is the clock of the TOTP check of break_glass.open (tests may drive it).
    ConversationService(storage::PgPool& pool, identity::SessionRegistry& sessions,
                        const identity::Credentials& credentials, const BlindIndexKey* mrn_key,
                        std::function<std::chrono::system_clock::time_point()> now =
                            std::chrono::system_clock::now);

    /// conversations.* and patients.find requests of a connection with a session.
    boost::asio::awaitable<Outcome> handle(std::string type, nlohmann::json body,
                                           identity::ConnectionAuth& auth);

private:
    boost::asio::awaitable<Outcome> create(nlohmann::json body, identity::BoundSession caller,
                                           std::string source);
    boost::asio::awaitable<Outcome> list(nlohmann::json body, identity::BoundSession caller);
    boost::asio::awaitable<Outcome> get(nlohmann::json body, identity::BoundSession caller,
                                        std::string source);
    boost::asio::awaitable<Outcome> discover(nlohmann::json body, identity::BoundSession caller);
    boost::asio::awaitable<Outcome> find_patients(nlohmann::json body,
                                                  identity::BoundSession caller,
                                                  std::string source);
    // conversation_changes.cpp
    boost::asio::awaitable<Outcome> update(nlohmann::json body, identity::BoundSession caller,
                                           std::string source);
    boost::asio::awaitable<Outcome> add_members(nlohmann::json body, identity::BoundSession caller,
                                                std::string source);
    boost::asio::awaitable<Outcome> remove_member(nlohmann::json body,
                                                  identity::BoundSession caller,
                                                  std::string source);
    boost::asio::awaitable<Outcome> set_role(nlohmann::json body, identity::BoundSession caller,
                                             std::string source);
    boost::asio::awaitable<Outcome> archive(nlohmann::json body, identity::BoundSession caller,
                                            std::string source);
    // break_glass.cpp
    boost::asio::awaitable<Outcome> break_glass_open(nlohmann::json body,
                                                     identity::BoundSession caller,
                                                     std::string source);
    boost::asio::awaitable<Outcome> break_glass_list(nlohmann::json body,
                                                     identity::BoundSession caller,
                                                     std::string source);
    boost::asio::awaitable<Outcome> break_glass_revoke(nlohmann::json body,
                                                       identity::BoundSession caller,
                                                       std::string source);
    boost::asio::awaitable<Outcome> join(nlohmann::json body, identity::BoundSession caller,
                                         std::string source);

    /// The conversation as conversations.get shows it, if the caller is a member or holds a
    /// live break-glass grant (such a read is audited); else not_found.
    boost::asio::awaitable<Outcome> view(identity::BoundSession caller, std::string id,
                                         std::string source);
    /// Writes `note` in a transaction of its own (reads under break-glass, refusals).
    boost::asio::awaitable<void> audit_alone(identity::AuditNote note);
    /// Writes an authz.denied record (the identity services' convention for refused
    /// permissions) in a transaction of its own.
    boost::asio::awaitable<void> audit_denied(identity::BoundSession caller, std::string source,
                                              std::string type, std::string target_id,
                                              std::string reason);
    /// The answer to a change (`type`) of conversation `id` whose transaction did not commit:
    /// its refusal, a denial audited first, or unavailable when nothing refused it.
    boost::asio::awaitable<Failure> refused(const detail::Refusal& refusal,
                                            identity::BoundSession caller, std::string source,
                                            std::string type, std::string id);
    /// The user ids of the conversation's members (after a change), for events.
    boost::asio::awaitable<std::vector<std::string>> member_ids(std::string conversation_id);
    void notify(const std::vector<std::string>& users, const std::string& event,
                const nlohmann::json& body);

    storage::PgPool& pool_;
    identity::SessionRegistry& sessions_;
    const identity::Credentials& credentials_;
    const BlindIndexKey* mrn_key_;
    std::function<std::chrono::system_clock::time_point()> now_;
};

}  // namespace wardline::server::conversations
