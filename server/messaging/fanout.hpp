// SPDX-License-Identifier: Apache-2.0
#pragma once
// Fan-out between server processes that share one database (docs/architecture.md, "Write
// path"): after a message transaction has committed, its node NOTIFYs channel wardline_stream
// with one small payload per conversation ("v1 NODE CONVERSATION FIRST LAST": the seq range it
// stored). Every node LISTENs on a dedicated connection and pushes the rows of other nodes'
// ranges to its own connections. A lost notification only delays: messages.sync catches up.
// The same connection LISTENs on wardline_events for every other event (event_relay.hpp).
#include "server/storage/conninfo.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace wardline::server::storage {
class PgLease;
class PgPool;
}  // namespace wardline::server::storage
namespace wardline::server::identity {
class Credentials;
}

namespace wardline::server::messaging {

class EventRelay;
class MessagePush;

/// The seq range one transaction stored in a conversation.
struct StoredRange {
    std::string conversation_id;
    std::int64_t first = 0;
    std::int64_t last = 0;
};

/// A random id of this process, so a node skips its own notifications (it pushed already).
std::string new_node_id();

/// NOTIFYs the ranges on `lease`, outside any transaction (after COMMIT). Failure is logged
/// only: the rows are committed and sync delivers them.
boost::asio::awaitable<void> publish_ranges(storage::PgLease& lease, std::string node,
                                            std::vector<StoredRange> ranges);

/// LISTENs on its own connection and pushes other nodes' new rows to this node's devices.
class StreamListener {
public:
    StreamListener(boost::asio::any_io_executor executor, storage::PgConfig config,
                   storage::PgPool& pool, const identity::Credentials& keys, MessagePush& push,
                   std::string node);
    ~StreamListener();
    StreamListener(const StreamListener&) = delete;
    StreamListener& operator=(const StreamListener&) = delete;

    /// Also LISTEN on wardline_events and hand its notifications to `relay`. Before start().
    void relay_events(EventRelay& relay);

    /// Starts listening in the background (reconnecting after failures).
    void start();

    struct State;

private:
    std::shared_ptr<State> state_;
};

}  // namespace wardline::server::messaging
