// SPDX-License-Identifier: Apache-2.0
#pragma once
// Keeps group_leaves — which device holds each leaf of a conversation's MLS group — in step
// with the commits the stream accepts (server/delivery/leaf_roster.hpp; docs/e2ee.md, "The
// server as Delivery Service and external sender"). Runs inside handshake.submit's
// transaction, with the conversation's row locked.
#include "server/storage/pg_pool.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace wardline::server::identity {
class Credentials;
}

namespace wardline::server::messaging {

/// The device that submits the commit.
struct Committer {
    std::string org_id;
    std::string user_id;
    std::string device_id;
};

/// Applies the commit (an MLSMessage holding a PublicMessage, its epoch already checked) to
/// the stored roster and stores the result. The commit's proposals by reference are read back
/// from the stream's proposals of `epoch`. The first commit of a group (epoch 0, no roster
/// yet) starts the roster with the committer's device in leaf 0. Returns the reason the
/// commit does not fit the roster, nothing if it was applied, or the database error.
boost::asio::awaitable<Result<std::optional<std::string>>> follow_commit(
    storage::PgLease& lease, const identity::Credentials& keys, std::string conversation_id,
    std::int64_t epoch, Committer committer, std::span<const std::uint8_t> commit,
    std::vector<std::vector<std::uint8_t>> references);

}  // namespace wardline::server::messaging
