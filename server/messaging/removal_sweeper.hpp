// SPDX-License-Identifier: Apache-2.0
#pragma once
// The server as MLS external sender (docs/e2ee.md): a device that was revoked, a user who was
// suspended, deactivated or taken out of a conversation must leave the conversation's MLS
// group. The server cannot commit, but it can propose: this sweeper finds every leaf of
// group_leaves whose device or user may no longer be there and stores a Remove proposal signed
// with the server's external sender key in the conversation's stream, where the members'
// clients receive it and the next commit by any of them applies it. Delivery to the device
// has stopped already (revoked sessions, removed membership).
//
// It works by reconciliation rather than by hooks in every service that can cause a removal:
// one statement (stream_removals_due.sql) finds what is due, each conversation is handled in
// its own transaction under the stream's row lock, and server_removals records one proposal
// per leaf and epoch, so several server processes never propose the same twice, and nothing is
// lost when a process stops half-way.
#include "server/storage/pg_pool.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <string>

namespace wardline::server::identity {
class Credentials;
}
namespace wardline::server::delivery {
class ExternalSenderKey;
}

namespace wardline::server::messaging {

class MessagePush;

class RemovalSweeper {
public:
    RemovalSweeper(boost::asio::any_io_executor executor, storage::PgPool& pool,
                   const identity::Credentials& keys, const delivery::ExternalSenderKey& key,
                   MessagePush& push, std::string node, std::chrono::milliseconds interval);
    ~RemovalSweeper();
    RemovalSweeper(const RemovalSweeper&) = delete;
    RemovalSweeper& operator=(const RemovalSweeper&) = delete;

    /// Sweeps every `interval` in the background.
    void start();

    /// One sweep: proposes every due Remove. Returns how many were stored.
    boost::asio::awaitable<Result<int>> sweep_once();

    struct State;

private:
    std::shared_ptr<State> state_;
};

}  // namespace wardline::server::messaging
