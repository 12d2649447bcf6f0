// SPDX-License-Identifier: Apache-2.0
#pragma once
// Keeps the server's sealing keyring in step with the file and the database (docs/security.md,
// "Key management"):
// - SIGHUP re-reads identity.sealing_keyring_file (Credentials::reload_keyring); new rows are
//   sealed with its newest key at once, and every key in the file keeps opening. A file that
//   does not load, or that lacks the key sealing now, is refused and the old keys stay.
// - Once the database answers, the key ids recorded in sealing_keys_in_use must all be in the
//   keyring: a keyring that lost a key rows are sealed under would fail reads later, so the
//   server refuses to run (the `refuse` callback) with a message naming the key ids.
// - The newest key is recorded in sealing_keys_in_use at start and after each reload.
// With several server processes every one of them must get the SIGHUP.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/signal_set.hpp>

#include <cstdint>
#include <functional>
#include <string>

namespace wardline::server::storage {
class PgPool;
}

namespace wardline::server::identity {

class Credentials;

class KeyringGuard {
public:
    /// Installs the SIGHUP handler at once (before it, SIGHUP would end the process).
    /// `also_on_reload` runs on each SIGHUP after the keyring (the MRN blind index keys).
    KeyringGuard(boost::asio::any_io_executor executor, Credentials& credentials,
                 storage::PgPool& pool, std::function<void(const std::string&)> refuse,
                 std::function<void()> also_on_reload = {});
    KeyringGuard(const KeyringGuard&) = delete;
    KeyringGuard& operator=(const KeyringGuard&) = delete;

    /// Starts the database check and the signal wait; both end with the io_context.
    void start();

private:
    void wait_for_signal();
    boost::asio::awaitable<void> check_database();
    boost::asio::awaitable<void> record(std::uint32_t key_id);

    boost::asio::any_io_executor executor_;
    Credentials& credentials_;
    storage::PgPool& pool_;
    std::function<void(const std::string&)> refuse_;
    std::function<void()> also_on_reload_;
    boost::asio::signal_set signals_;
};

}  // namespace wardline::server::identity
