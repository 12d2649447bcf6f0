// SPDX-License-Identifier: Apache-2.0
#include "server/identity/keyring_guard.hpp"

#include "common/core/log.hpp"
#include "server/identity/credentials.hpp"
#include "server/storage/pg_pool.hpp"
#include "server/storage/statements.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <csignal>
#include <exception>

namespace wardline::server::identity {

namespace asio = boost::asio;

KeyringGuard::KeyringGuard(asio::any_io_executor executor, Credentials& credentials,
                           storage::PgPool& pool, std::function<void(const std::string&)> refuse,
                           std::function<void()> also_on_reload)
    : executor_(executor),
      credentials_(credentials),
      pool_(pool),
      refuse_(std::move(refuse)),
      also_on_reload_(std::move(also_on_reload)),
      signals_(executor, SIGHUP) {}

void KeyringGuard::start() {
    wait_for_signal();
    asio::co_spawn(executor_, check_database(), asio::detached);
}

void KeyringGuard::wait_for_signal() {
    signals_.async_wait([this](const boost::system::error_code& ec, int) {
        if (ec) return;
        try {
            const auto id = credentials_.reload_keyring();
            log::app().info("SIGHUP: sealing keyring reloaded ({} key(s)); key {} seals",
                            credentials_.key_ids().size(), id);
            asio::co_spawn(executor_, record(id), asio::detached);
        } catch (const std::exception& e) {
            // The text names the setting and the line, never key material.
            log::app().error("SIGHUP: sealing keyring not reloaded: {}", e.what());
        }
        if (also_on_reload_) also_on_reload_();
        wait_for_signal();
    });
}

asio::awaitable<void> KeyringGuard::check_database() {
    asio::steady_timer timer(executor_);
    for (;;) {
        auto querying = pool_.query(storage::statement("keys_in_use"));
        auto in_use = co_await std::move(querying);
        if (in_use) {
            const auto ids = credentials_.key_ids();
            std::string missing;
            for (int r = 0; r < in_use->rows(); ++r) {
                const auto id = static_cast<std::uint32_t>(in_use->int64(r, 0));
                if (std::find(ids.begin(), ids.end(), id) != ids.end()) continue;
                missing += missing.empty() ? "" : ", ";
                missing += std::to_string(id);
            }
            if (!missing.empty()) {
                refuse_("identity.sealing_keyring_file lacks key(s) " + missing +
                        " that rows in the database are sealed under; restore the keyring "
                        "(docs/security.md, \"Key management\")");
                co_return;
            }
            co_await record(credentials_.sealing_key_id());
            co_return;
        }
        // The pool heals by itself; check as soon as the database answers.
        timer.expires_after(std::chrono::seconds(1));
        auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
        if (ec) co_return;
    }
}

asio::awaitable<void> KeyringGuard::record(std::uint32_t key_id) {
    storage::PgParams params;
    params.integer(key_id);
    auto recording = pool_.query(storage::statement("keys_record"), std::move(params));
    auto recorded = co_await std::move(recording);
    if (!recorded)
        log::db().warn("keys_record failed: {}; the key is recorded at the next start or reload",
                       recorded.error().message());
}

}  // namespace wardline::server::identity
