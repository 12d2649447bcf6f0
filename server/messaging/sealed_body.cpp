// SPDX-License-Identifier: Apache-2.0
#include "server/messaging/sealed_body.hpp"

#include "server/identity/credentials.hpp"
#include "server/identity/sealing_ad.hpp"

#include <sodium.h>
#include <nlohmann/json.hpp>

namespace wardline::server::messaging {

std::string message_associated_data(std::string_view conversation_id, std::int64_t seq) {
    return identity::ad::message(conversation_id, seq);
}

ByteVector seal_body(const identity::Credentials& keys, const MessageBody& body,
                     std::string_view conversation_id, std::int64_t seq) {
    nlohmann::json meta = nlohmann::json::object();
    if (body.reply_to) meta["reply_to"] = *body.reply_to;
    if (!body.attachments.empty()) meta["attachments"] = body.attachments;
    const std::string text = meta.dump();
    ByteVector plain;
    plain.reserve(4 + text.size() + body.mls_message.size());
    const auto n = static_cast<std::uint32_t>(text.size());
    plain.push_back(static_cast<std::uint8_t>(n >> 24));
    plain.push_back(static_cast<std::uint8_t>(n >> 16));
    plain.push_back(static_cast<std::uint8_t>(n >> 8));
    plain.push_back(static_cast<std::uint8_t>(n));
    plain.insert(plain.end(), text.begin(), text.end());
    plain.insert(plain.end(), body.mls_message.begin(), body.mls_message.end());
    return keys.seal(plain, message_associated_data(conversation_id, seq));
}

std::optional<MessageBody> open_body(const identity::Credentials& keys,
                                     std::span<const std::uint8_t> sealed,
                                     std::string_view conversation_id, std::int64_t seq) {
    auto plain = keys.open(sealed, message_associated_data(conversation_id, seq));
    if (!plain || plain->size() < 4) return std::nullopt;
    const std::size_t n = (std::size_t{(*plain)[0]} << 24) | (std::size_t{(*plain)[1]} << 16) |
                          (std::size_t{(*plain)[2]} << 8) | std::size_t{(*plain)[3]};
    if (n > plain->size() - 4) return std::nullopt;
    const std::string_view text(reinterpret_cast<const char*>(plain->data() + 4), n);
    const auto meta = nlohmann::json::parse(text, nullptr, false);
    if (!meta.is_object()) return std::nullopt;
    MessageBody body;
    if (auto it = meta.find("reply_to"); it != meta.end() && it->is_number_integer())
        body.reply_to = it->get<std::int64_t>();
    if (auto it = meta.find("attachments"); it != meta.end() && it->is_array())
        for (const auto& a : *it)
            if (a.is_string()) body.attachments.push_back(a.get<std::string>());
    body.mls_message.assign(plain->begin() + 4 + static_cast<std::ptrdiff_t>(n), plain->end());
    return body;
}

std::string to_hex(std::span<const std::uint8_t> bytes) {
    std::string out(bytes.size() * 2 + 1, '\0');
    sodium_bin2hex(out.data(), out.size(), bytes.data(), bytes.size());
    out.pop_back();
    return out;
}

}  // namespace wardline::server::messaging
