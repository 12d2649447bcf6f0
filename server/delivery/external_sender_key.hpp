// SPDX-License-Identifier: Apache-2.0
#pragma once
// The server's key as MLS external sender (RFC 9420 §12.1.8.1; docs/e2ee.md, "The server as
// external sender"). Clients name it in every group's external_senders extension; with it the
// server proposes the Remove of a device that was revoked or of a user taken out of a
// conversation, and the next commit of any member applies it. The server can propose only:
// it holds no group secrets, and members accept nothing but Remove from it
// (GroupConfig::external_proposal_policy).
//
// The key is an Ed25519 seed in a file of its own (mode 0600), created by the server on its
// first start. Losing it means groups must be told a new key (a GroupContextExtensions commit);
// keep it with the other server secrets, outside the database and its backups.
#include "common/mls/bytes.hpp"
#include "common/mls/error.hpp"
#include "common/mls/external_sender.hpp"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <string>

namespace wardline::server::delivery {

/// The identity of the server's basic credential as external sender.
inline constexpr std::string_view kExternalSenderIdentity = "wardline-server/1";

class ExternalSenderKey {
public:
    /// Reads the key file at `path`, or creates it (mode 0600) if there is none. Throws
    /// std::runtime_error naming the path, never key material, if the file is unusable.
    static ExternalSenderKey load_or_create(const std::string& path);
    /// A key that lives in memory only (tests).
    static ExternalSenderKey generate();

    ExternalSenderKey(ExternalSenderKey&&) noexcept = default;
    ExternalSenderKey& operator=(ExternalSenderKey&&) = delete;

    /// The entry clients put into a group's external_senders extension.
    mls::ExternalSender external_sender() const;

    /// The body of the delivery.external_sender response.
    nlohmann::json describe() const;

    /// A signed Remove of `leaf` for the group `group_id` in `epoch`, where the server is entry
    /// `sender_index` of the group's external_senders: an MLSMessage(PublicMessage).
    mls::Result<mls::MLSMessage> propose_remove(mls::ByteView group_id, std::uint64_t epoch,
                                                std::uint32_t sender_index,
                                                std::uint32_t leaf) const;

private:
    ExternalSenderKey() = default;
    mls::Bytes seed_;  ///< mls::Bytes wipes itself when released
    mls::Bytes public_key_;
};

}  // namespace wardline::server::delivery
