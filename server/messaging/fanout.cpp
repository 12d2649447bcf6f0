// SPDX-License-Identifier: Apache-2.0
#include "server/messaging/fanout.hpp"

#include "common/core/device_credential.hpp"
#include "common/core/log.hpp"
#include "server/identity/credentials.hpp"
#include "server/messaging/event_relay.hpp"
#include "server/messaging/message_push.hpp"
#include "server/messaging/stream_sql.hpp"
#include "server/storage/pg_connection.hpp"
#include "server/storage/pg_pool.hpp"

#include <sodium.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <sstream>

namespace wardline::server::messaging {
namespace {

namespace asio = boost::asio;
using storage::PgParams;

constexpr std::string_view kChannel = "wardline_stream";
// LISTEN cannot be prepared, so it is the one statement here that does not live in
// server/storage/sql: constant text, run with execute_simple.
constexpr storage::Statement kListen{"stream_listen", "LISTEN wardline_stream"};
constexpr std::string_view kEventsChannel = "wardline_events";
constexpr storage::Statement kListenEvents{"events_listen", "LISTEN wardline_events"};

struct Parsed {
    std::string node;
    StoredRange range;
};

std::optional<Parsed> parse_payload(const std::string& payload) {
    std::istringstream in(payload);
    std::string version;
    Parsed p;
    if (!(in >> version >> p.node >> p.range.conversation_id >> p.range.first >> p.range.last))
        return std::nullopt;
    if (version != "v1" || !is_canonical_uuid(p.range.conversation_id) || p.range.first < 1 ||
        p.range.last < p.range.first)
        return std::nullopt;
    return p;
}

}  // namespace

std::string new_node_id() {
    unsigned char bytes[8];
    randombytes_buf(bytes, sizeof bytes);
    char hex[sizeof bytes * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
    return hex;
}

asio::awaitable<void> publish_ranges(storage::PgLease& lease, std::string node,
                                     std::vector<StoredRange> ranges) {
    if (ranges.empty()) co_return;
    // Payload elements are digits, hex and UUIDs only, and at most 8000 bytes each.
    std::string array = "{";
    for (const auto& r : ranges) {
        array += array.size() == 1 ? "\"" : ",\"";
        array += "v1 " + node + " " + r.conversation_id + " " + std::to_string(r.first) + " " +
                 std::to_string(r.last) + "\"";
    }
    array += "}";
    PgParams params;
    params.text(array);
    auto notifying = lease.query(sql::notify(), std::move(params));
    if (auto done = co_await std::move(notifying); !done)
        log::db().warn("stream notification failed (other nodes catch up by sync)");
}

struct StreamListener::State {
    State(asio::any_io_executor ex, storage::PgConfig c, storage::PgPool& p,
          const identity::Credentials& k, MessagePush& m, std::string n)
        : strand(asio::make_strand(ex)),
          config(std::move(c)),
          pool(p),
          keys(k),
          push(m),
          node(std::move(n)) {}

    asio::strand<asio::any_io_executor> strand;
    storage::PgConfig config;
    storage::PgPool& pool;
    const identity::Credentials& keys;
    MessagePush& push;
    std::string node;
    EventRelay* relay = nullptr;

    asio::awaitable<void> deliver(StoredRange range) {
        PgParams range_params{range.conversation_id};
        range_params.integer(range.first).integer(range.last);
        auto reading = pool.query(sql::range(), std::move(range_params));
        auto rows = co_await std::move(reading);
        if (!rows) co_return;
        PgParams member_params;
        member_params.text("{" + range.conversation_id + "}");
        auto listing = pool.query(sql::readers_of(), std::move(member_params));
        auto listed = co_await std::move(listing);
        if (!listed) co_return;
        std::vector<std::string> members;
        for (int r = 0; r < listed->rows(); ++r) members.emplace_back(listed->text_or_throw(r, 1));
        for (int r = 0; r < rows->rows(); ++r) {
            auto m = read_stored_message(*rows, r, keys);
            if (!m) {
                log::db().error("message {} seq {} does not open with the keyring",
                                range.conversation_id, rows->int64(r, 1));
                continue;
            }
            push.message(*m, members);
        }
    }

    static asio::awaitable<void> run(std::shared_ptr<State> s) {
        for (;;) {
            storage::PgConnection conn(s->strand);
            auto connecting = conn.connect(s->config);
            bool listening = false;
            if (auto connected = co_await std::move(connecting); connected) {
                auto starting = conn.execute_simple(kListen);
                listening = static_cast<bool>(co_await std::move(starting));
            }
            if (listening && s->relay != nullptr) {
                auto starting = conn.execute_simple(kListenEvents);
                listening = static_cast<bool>(co_await std::move(starting));
                if (listening) log::db().info("listening on {}", kEventsChannel);
            }
            if (listening) log::db().info("listening on {} as node {}", kChannel, s->node);
            while (listening) {
                auto waiting = conn.wait_notifications();
                auto got = co_await std::move(waiting);
                if (!got) break;
                for (const auto& n : *got) {
                    if (n.channel == kEventsChannel) {
                        if (s->relay == nullptr) continue;
                        auto applying = s->relay->received(n.payload);
                        co_await std::move(applying);
                        continue;
                    }
                    auto parsed = parse_payload(n.payload);
                    if (!parsed || parsed->node == s->node) continue;
                    auto delivering = s->deliver(std::move(parsed->range));
                    co_await std::move(delivering);
                }
            }
            conn.close();
            log::db().warn("stream listener lost its connection; reconnecting");
            asio::steady_timer timer(s->strand, std::chrono::seconds(1));
            auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
            if (ec) co_return;
        }
    }
};

StreamListener::StreamListener(asio::any_io_executor executor, storage::PgConfig config,
                               storage::PgPool& pool, const identity::Credentials& keys,
                               MessagePush& push, std::string node)
    : state_(std::make_shared<State>(std::move(executor), std::move(config), pool, keys, push,
                                     std::move(node))) {}

StreamListener::~StreamListener() = default;

void StreamListener::relay_events(EventRelay& relay) {
    state_->relay = &relay;
}

void StreamListener::start() {
    asio::co_spawn(state_->strand, State::run(state_), asio::detached);
}

}  // namespace wardline::server::messaging
