// SPDX-License-Identifier: Apache-2.0
// Coroutine arguments are built as named locals before co_await (GCC 12, CONTRIBUTING.md).
#include "server/messaging/event_relay.hpp"

#include "common/core/log.hpp"
#include "server/identity/relayed_event.hpp"
#include "server/storage/pg_pool.hpp"
#include "server/storage/statements.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <chrono>
#include <tuple>
#include <utility>
#include <vector>

namespace wardline::server::messaging {
namespace {

namespace asio = boost::asio;
using identity::RelayedEvent;
using storage::PgParams;
using Queue = asio::experimental::concurrent_channel<void(boost::system::error_code, RelayedEvent)>;

storage::Statement notify_statement() {
    return storage::statement("events_notify");
}
storage::Statement store_statement() {
    return storage::statement("events_store");
}
storage::Statement get_statement() {
    return storage::statement("events_get");
}
storage::Statement prune_statement() {
    return storage::statement("events_prune");
}

/// What one batch sends, in order: runs of inline payloads (one statement each run) and event
/// arrays too large for a payload (stored, one statement each).
struct Piece {
    bool stored = false;
    std::vector<std::string> texts;  ///< inline: payloads; stored: one event array
    std::size_t events = 0;
};

}  // namespace

struct EventRelay::State {
    State(asio::any_io_executor ex, storage::PgPool& p, identity::SessionRegistry& s, std::string n)
        : strand(asio::make_strand(ex)),
          queue(strand, kQueueLimit),
          pool(p),
          sessions(s),
          node(std::move(n)) {}

    asio::strand<asio::any_io_executor> strand;
    Queue queue;
    storage::PgPool& pool;
    identity::SessionRegistry& sessions;
    std::string node;
    std::atomic<std::uint64_t> dropped{0};
    std::atomic<std::size_t> unsent{0};  ///< published, not yet sent or dropped
    std::chrono::steady_clock::time_point last_prune{};

    void drop(std::size_t n, const char* why) {
        const auto before = dropped.fetch_add(n);
        // At most one line per thousand drops: a stuck database must not flood the log.
        if (before / 1000 != (before + n) / 1000 || before == 0)
            log::db().warn(
                "event relay dropped {} event(s) ({}; {} so far); other nodes catch "
                "up by requests",
                n, why, before + n);
    }

    /// Splits a batch into payloads of at most kMaxNotifyPayload bytes, in order.
    std::vector<Piece> pack(const std::vector<RelayedEvent>& batch) const {
        const std::size_t header = identity::relay_payload(node, {}).size();
        std::vector<Piece> pieces;
        std::vector<std::string> current;
        std::size_t bytes = header;
        auto flush = [&] {
            if (current.empty()) return;
            if (pieces.empty() || pieces.back().stored) pieces.emplace_back();
            pieces.back().events += current.size();
            pieces.back().texts.push_back(identity::relay_payload(node, current));
            current.clear();
            bytes = header;
        };
        for (const auto& e : batch) {
            std::string text = identity::encode_relay_event(e);
            if (header + text.size() > identity::kMaxNotifyPayload) {
                flush();
                Piece p;
                p.stored = true;
                p.texts.push_back("[" + text + "]");
                p.events = 1;
                pieces.push_back(std::move(p));
                continue;
            }
            const std::size_t added = text.size() + (current.empty() ? 0 : 1);
            if (bytes + added > identity::kMaxNotifyPayload ||
                current.size() == identity::kMaxRelayBatch)
                flush();
            bytes += text.size() + (current.empty() ? 0 : 1);
            current.push_back(std::move(text));
        }
        flush();
        return pieces;
    }

    asio::awaitable<void> send(std::vector<RelayedEvent> batch) {
        const auto pieces = pack(batch);
        auto acquiring = pool.acquire();
        auto lease = co_await std::move(acquiring);
        if (!lease) {
            drop(batch.size(), "no database connection");
            co_return;
        }
        bool stored_any = false;
        for (const auto& piece : pieces) {
            if (piece.stored) {
                if (piece.texts.front().size() > identity::kMaxStoredRelayBytes) {
                    drop(piece.events, "event too large");
                    continue;
                }
                PgParams params;
                params.text(node).text(piece.texts.front());
                auto storing = lease->query(store_statement(), std::move(params));
                if (auto done = co_await std::move(storing); !done)
                    drop(piece.events, "storing failed");
                stored_any = true;
                continue;
            }
            const nlohmann::json payloads = piece.texts;
            PgParams params;
            params.text(payloads.dump());
            auto notifying = lease->query(notify_statement(), std::move(params));
            if (auto done = co_await std::move(notifying); !done)
                drop(piece.events, "NOTIFY failed");
        }
        const auto now = std::chrono::steady_clock::now();
        if (stored_any && now - last_prune > std::chrono::minutes(1)) {
            last_prune = now;
            auto pruning = lease->query(prune_statement());
            if (auto done = co_await std::move(pruning); !done)
                log::db().warn("pruning relayed_events failed");
        }
    }

    /// Calls `done` once nothing published is left unsent, or at `deadline`.
    static asio::awaitable<void> wait_sent(std::shared_ptr<State> s, std::function<void()> done,
                                           std::chrono::steady_clock::time_point deadline) {
        asio::steady_timer pause(s->strand);
        while (s->unsent.load() > 0 && std::chrono::steady_clock::now() < deadline) {
            pause.expires_after(std::chrono::milliseconds(10));
            std::ignore = co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
        }
        done();
    }

    static asio::awaitable<void> run(std::shared_ptr<State> s) {
        for (;;) {
            auto [ec, first] = co_await s->queue.async_receive(asio::as_tuple(asio::use_awaitable));
            if (ec) co_return;
            // Everything queued meanwhile goes in the same statement(s).
            std::vector<RelayedEvent> batch;
            batch.push_back(std::move(first));
            while (batch.size() < 4 * identity::kMaxRelayBatch &&
                   s->queue.try_receive([&batch](boost::system::error_code, RelayedEvent e) {
                       batch.push_back(std::move(e));
                   })) {
            }
            const std::size_t taken = batch.size();
            try {
                auto sending = s->send(std::move(batch));
                co_await std::move(sending);
            } catch (const std::exception& e) {
                log::db().error("event relay failed: {}", e.what());
            }
            s->unsent -= taken;
        }
    }
};

EventRelay::EventRelay(asio::any_io_executor executor, storage::PgPool& pool,
                       identity::SessionRegistry& sessions, std::string node)
    : state_(std::make_shared<State>(std::move(executor), pool, sessions, std::move(node))) {}

EventRelay::~EventRelay() {
    state_->sessions.set_relay({});
}

void EventRelay::start() {
    state_->sessions.set_relay([this](const RelayedEvent& e) { publish(e); });
    asio::co_spawn(state_->strand, State::run(state_), asio::detached);
}

bool EventRelay::publish(const RelayedEvent& e) {
    ++state_->unsent;
    if (state_->queue.try_send(boost::system::error_code{}, e)) return true;
    --state_->unsent;
    state_->drop(1, "queue full");
    return false;
}

asio::awaitable<void> EventRelay::received(std::string payload) {
    const auto s = state_;
    auto decoded = identity::decode_relay_payload(payload);
    if (!decoded) {
        log::db().warn("ignored a malformed notification on wardline_events ({} bytes)",
                       payload.size());
        co_return;
    }
    if (decoded->node == s->node) co_return;  // applied here before it was sent
    std::vector<RelayedEvent> events = std::move(decoded->events);
    if (decoded->stored_id) {
        PgParams params;
        params.integer(*decoded->stored_id);
        auto reading = s->pool.query(get_statement(), std::move(params));
        auto rows = co_await std::move(reading);
        if (!rows || rows->rows() != 1) {
            s->drop(1, "stored events not found");
            co_return;
        }
        auto stored = identity::decode_relay_events(rows->text_or_throw(0, 0));
        if (!stored) {
            log::db().warn("ignored malformed stored events {}", *decoded->stored_id);
            co_return;
        }
        events = std::move(*stored);
    }
    for (const auto& e : events) s->sessions.apply_remote(e);
}

std::uint64_t EventRelay::dropped() const {
    return state_->dropped.load();
}

void EventRelay::when_sent(std::function<void()> done, std::chrono::milliseconds limit) {
    asio::co_spawn(
        state_->strand,
        State::wait_sent(state_, std::move(done), std::chrono::steady_clock::now() + limit),
        asio::detached);
}

}  // namespace wardline::server::messaging
