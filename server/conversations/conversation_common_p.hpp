// SPDX-License-Identifier: Apache-2.0
#pragma once
// Helpers shared by the conversation service's files.
#include "server/identity/audit_bridge.hpp"
#include "server/identity/connection_auth.hpp"
#include "server/protocol/outcome.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wardline::server::identity {
class Credentials;
}
namespace wardline::server::storage {
class PgLease;
}

namespace wardline::server::conversations::detail {

inline const Failure kUnavailable{Errc::unavailable, "database unavailable"};
inline const Failure kNoConversation{Errc::not_found, "no such conversation"};
inline const Failure kNoSuchUser{Errc::not_found, "no such user in your organization"};
inline const Failure kArchived{Errc::archived,
                               "the conversation is archived and cannot be changed"};
inline const Failure kBadConversationId{Errc::bad_request, "conversation_id must be a UUID"};
inline const Failure kNotOwner{Errc::forbidden, "only an owner of the conversation may do this"};

/// What conv_lock.sql reads about the conversation.
struct Locked {
    std::string kind;
    bool archived = false;
    std::optional<std::string> caller_role;  ///< nullopt: the caller is not a member
    std::int64_t members = 0;
};

/// Locks the conversation (in the transaction on `l`; co_await at once). nullopt: no such
/// conversation in the caller's organization.
boost::asio::awaitable<Result<std::optional<Locked>>> lock_conversation(storage::PgLease& l,
                                                                        std::string org_id,
                                                                        std::string id,
                                                                        std::string user_id);

/// Why a change was refused inside its transaction: the answer for the caller, and whether it
/// is a permission denial (audited once the transaction has rolled back).
struct Refusal {
    std::optional<Failure> answer;
    bool denied = false;

    void reset() noexcept {
        answer.reset();
        denied = false;
    }
    /// Keeps `f` as the answer; returns its code, which rolls the transaction back.
    Errc refuse(Failure f) {
        const Errc code = f.code;
        answer = std::move(f);
        return code;
    }
    /// refuse() for a permission denial.
    Errc deny(Failure f) {
        denied = true;
        return refuse(std::move(f));
    }
};

/// Who besides an owner of the conversation may make a change.
struct ChangeRule {
    /// The caller holds org.settings: any conversation of the organization, member or not.
    bool org_admin = false;
    /// The change concerns only the caller (leaving): any member may.
    bool own = false;
    /// The answer to a member who may not (a denial).
    Failure not_owner = kNotOwner;
};

/// Locks the conversation for a change by `user_id` (in the transaction on `l`; co_await at
/// once) and refuses what every change refuses: a conversation the caller does not see (no such
/// conversation in the organization, or not a member unless `rule.org_admin`) as not_found, an
/// archived one, and a member who is not an owner unless `rule` allows it. A refusal comes back
/// as its error code, with its answer in `refusal`.
boost::asio::awaitable<Result<Locked>> lock_for_change(storage::PgLease& l, std::string org_id,
                                                       std::string id, std::string user_id,
                                                       ChangeRule rule, Refusal& refusal);

/// The UUID in `body[field]`, lower-cased; nullopt if it is not one.
std::optional<std::string> conversation_id(const nlohmann::json& body,
                                           const char* field = "conversation_id");

/// A fresh random (version 4) UUID, canonical lower-case text.
std::string new_uuid();
/// True for the canonical 8-4-4-4-12 hex form.
bool is_uuid(std::string_view text) noexcept;
/// A PostgreSQL array literal of values that need no quoting (UUIDs, role names checked by
/// is_role_name).
std::string array_literal(std::span<const std::string> values);
/// Role names as roles.name holds them: 1 to 64 of a-z, 0-9, '_', '.', '-'.
bool is_role_name(std::string_view name) noexcept;

std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text);
std::string base64(std::span<const std::byte> bytes);

/// Seals `text` for column `column` of conversation `id` (the associated data binds it to both,
/// so a sealed title cannot be moved to another row or column).
std::vector<std::uint8_t> seal(const identity::Credentials& c, const std::string& id,
                               std::string_view column, std::string_view text);
/// Opens what seal() made; nullopt if it does not open (a key missing, or tampering).
std::optional<std::string> open(const identity::Credentials& c, const std::string& id,
                                std::string_view column, std::span<const std::byte> sealed);

identity::AuditNote note_for(const identity::BoundSession& caller, std::string action,
                             const std::string& conversation_id, const std::string& source);

}  // namespace wardline::server::conversations::detail
