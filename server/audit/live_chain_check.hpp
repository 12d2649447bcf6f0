// SPDX-License-Identifier: Apache-2.0
#pragma once
// Verifies the whole audit chain from inside the running server (the request audit.verify),
// the same check as `wardlinectl audit verify`: every record's link and hash in sequence, and
// every signed checkpoint against the records. Reads through the server's pool a page at a
// time so that it never holds a connection for long, and runs one check at a time per process.
#include "common/core/errc.hpp"
#include "server/audit/chain_verifier.hpp"

#include <boost/asio/awaitable.hpp>

#include <atomic>

namespace wardline::server::storage {
class PgPool;
}

namespace wardline::server::audit {

class LiveChainCheck {
public:
    /// Checkpoints must be signed by `key` (the public half of audit.signing_key_file).
    LiveChainCheck(storage::PgPool& pool, PublicKey key);

    /// The verdict. Errc::conflict while another check runs in this process; Errc::unavailable
    /// when the database fails on the way (the verdict would be incomplete).
    boost::asio::awaitable<Result<VerifyResult>> run();

private:
    boost::asio::awaitable<Result<VerifyResult>> walk();

    storage::PgPool& pool_;
    PublicKey key_;
    std::atomic<bool> running_{false};
};

}  // namespace wardline::server::audit
