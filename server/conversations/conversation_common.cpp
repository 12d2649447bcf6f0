// SPDX-License-Identifier: Apache-2.0
#include "server/conversations/conversation_common_p.hpp"

#include "server/conversations/conversation_sql.hpp"
#include "server/identity/credentials.hpp"
#include "server/identity/sealing_ad.hpp"
#include "server/storage/pg_pool.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstring>

namespace wardline::server::conversations::detail {

std::string new_uuid() {
    std::uint8_t b[16];
    randombytes_buf(b, sizeof b);
    b[6] = static_cast<std::uint8_t>((b[6] & 0x0f) | 0x40);  // RFC 9562 §5.4: version 4
    b[8] = static_cast<std::uint8_t>((b[8] & 0x3f) | 0x80);  // variant 10
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(36);
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
        out.push_back(kHex[b[i] >> 4]);
        out.push_back(kHex[b[i] & 0x0f]);
    }
    return out;
}

bool is_uuid(std::string_view t) noexcept {
    if (t.size() != 36) return false;
    for (std::size_t i = 0; i < t.size(); ++i) {
        const char c = t[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-') return false;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
            return false;
        }
    }
    return true;
}

std::string array_literal(std::span<const std::string> values) {
    std::string out = "{";
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i) out += ",";
        out += values[i];
    }
    return out + "}";
}

bool is_role_name(std::string_view name) noexcept {
    if (name.empty() || name.size() > 64) return false;
    for (const char c : name)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
            return false;
    return true;
}

std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text) {
    std::vector<std::uint8_t> out(text.size());
    std::size_t length = 0;
    const char* end = nullptr;
    if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &length, &end,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        end != text.data() + text.size())
        return std::nullopt;
    out.resize(length);
    return out;
}

std::string base64(std::span<const std::byte> bytes) {
    std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                      bytes.size(), sodium_base64_VARIANT_ORIGINAL);
    out.pop_back();
    return out;
}

namespace {
std::string associated(const std::string& id, std::string_view column) {
    return identity::ad::conversation(id, column);
}
}  // namespace

std::vector<std::uint8_t> seal(const identity::Credentials& c, const std::string& id,
                               std::string_view column, std::string_view text) {
    const auto* p = reinterpret_cast<const std::uint8_t*>(text.data());
    return c.seal(std::span(p, text.size()), associated(id, column));
}

std::optional<std::string> open(const identity::Credentials& c, const std::string& id,
                                std::string_view column, std::span<const std::byte> sealed) {
    const auto* p = reinterpret_cast<const std::uint8_t*>(sealed.data());
    auto opened = c.open(std::span(p, sealed.size()), associated(id, column));
    if (!opened) return std::nullopt;
    return std::string(opened->begin(), opened->end());
}

identity::AuditNote note_for(const identity::BoundSession& caller, std::string action,
                             const std::string& conversation_id, const std::string& source) {
    identity::AuditNote n;
    n.action = std::move(action);
    n.outcome = "success";
    n.org_id = caller.org_id;
    n.actor_kind = "user";
    n.actor_id = caller.user_id;
    n.target_kind = "conversation";
    n.target_id = conversation_id;
    n.source_address = source;
    n.details["session_id"] = caller.session_id;
    n.details["device_id"] = caller.device_id;
    return n;
}

boost::asio::awaitable<Result<std::optional<Locked>>> lock_conversation(storage::PgLease& l,
                                                                        std::string org_id,
                                                                        std::string id,
                                                                        std::string user_id) {
    storage::PgParams params{org_id, id, user_id};
    auto locking = l.query(sql::conv_lock(), std::move(params));
    auto r = co_await std::move(locking);
    if (!r) co_return r.error();
    if (r->rows() != 1) co_return std::optional<Locked>{};
    Locked out;
    out.kind = std::string(r->text_or_throw(0, 0));
    out.archived = r->boolean(0, 1);
    if (auto role = r->text(0, 2)) out.caller_role = std::string(*role);
    out.members = r->int64(0, 3);
    co_return std::optional<Locked>{std::move(out)};
}

boost::asio::awaitable<Result<Locked>> lock_for_change(storage::PgLease& l, std::string org_id,
                                                       std::string id, std::string user_id,
                                                       ChangeRule rule, Refusal& refusal) {
    refusal.reset();
    auto locking = lock_conversation(l, std::move(org_id), std::move(id), std::move(user_id));
    auto locked = co_await std::move(locking);
    if (!locked) co_return locked.error();
    if (!*locked || (!(*locked)->caller_role && !rule.org_admin))
        co_return refusal.refuse(kNoConversation);
    Locked c = std::move(**locked);
    if (c.archived) co_return refusal.refuse(kArchived);
    if (c.caller_role != "owner" && !rule.org_admin && !(rule.own && c.caller_role))
        co_return refusal.deny(std::move(rule.not_owner));
    co_return std::move(c);
}

std::optional<std::string> conversation_id(const nlohmann::json& body, const char* field) {
    auto id = body.at(field).get<std::string>();
    if (!is_uuid(id)) return std::nullopt;
    std::transform(id.begin(), id.end(), id.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return id;
}

}  // namespace wardline::server::conversations::detail
