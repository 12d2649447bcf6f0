// SPDX-License-Identifier: Apache-2.0
#include "server/storage/pg_connection.hpp"

#include "common/core/log.hpp"
#include "server/storage/pg_errors.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <variant>

namespace wardline::server::storage {
namespace {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;
using asio::posix::stream_descriptor;
constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

// libpq messages end with a newline and may span lines; logs want one line.
std::string one_line(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    for (char& c : text)
        if (c == '\n') c = ' ';
    return text;
}

}  // namespace

PgConnection::PgConnection(asio::any_io_executor executor)
    : executor_(std::move(executor)), socket_(executor_) {}

PgConnection::~PgConnection() { close(); }

void PgConnection::close() noexcept {
    boost::system::error_code ignored;
    socket_.close(ignored);
    if (conn_) {
        PQfinish(conn_);
        conn_ = nullptr;
    }
    broken_ = true;
    prepared_.clear();
}

bool PgConnection::in_transaction() const noexcept {
    return !conn_ || PQtransactionStatus(conn_) != PQTRANS_IDLE;
}

bool PgConnection::redup_socket() noexcept {
    boost::system::error_code ec;
    socket_.close(ec);
    const int fd = PQsocket(conn_);
    if (fd < 0) return false;
    // Our own descriptor: closing it (or Asio deregistering it) never touches libpq's.
    const int copy = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (copy < 0) return false;
    socket_.assign(copy, ec);
    if (ec) {
        ::close(copy);
        return false;
    }
    return true;
}

Errc PgConnection::fail_from_connection(std::string_view what) {
    broken_ = true;
    last_error_ = one_line(redact(conn_ ? PQerrorMessage(conn_) : "no connection", password_));
    // Connect failures are reported by the pool, once per outage; others are unexpected.
    if (what == "connect")
        log::db().debug("{}: {}", what, last_error_);
    else
        log::db().warn("{}: {}", what, last_error_);
    return Errc::unavailable;
}

asio::awaitable<Result<void>> PgConnection::connect(PgConfig config) {
    close();
    last_error_.clear();
    const ConnParams params = parse_conninfo(config.conninfo);  // throws on a bad conninfo
    password_ = std::move(config.password);
    const ConnArrays arrays = make_conn_arrays(params, password_);
    conn_ = PQconnectStartParams(arrays.keywords.data(), arrays.values.data(), 0);
    if (!conn_) {
        last_error_ = "out of memory";
        co_return Errc::unavailable;
    }
    if (PQstatus(conn_) == CONNECTION_BAD) {
        fail_from_connection("connect");
        close();
        co_return Errc::unavailable;
    }
    const auto deadline = std::chrono::steady_clock::now() + config.connect_timeout;
    if (auto r = co_await poll_connect(deadline); !r) {
        close();
        co_return r;
    }
    if (PQsetnonblocking(conn_, 1) != 0 || !redup_socket()) {
        fail_from_connection("connect");
        close();
        co_return Errc::unavailable;
    }
    broken_ = false;
    for (const Statement& stmt : all_statements()) {
        if (auto r = co_await prepare(stmt); !r) {
            close();
            co_return r;
        }
    }
    co_return Result<void>{};
}

asio::awaitable<Result<void>> PgConnection::poll_connect(
    std::chrono::steady_clock::time_point deadline) {
    asio::steady_timer timer(executor_);
    timer.expires_at(deadline);
    // libpq: behave as if the last poll returned PGRES_POLLING_WRITING.
    PostgresPollingStatusType status = PGRES_POLLING_WRITING;
    for (;;) {
        if (status == PGRES_POLLING_OK) co_return Result<void>{};
        if (status == PGRES_POLLING_FAILED) {
            fail_from_connection("connect");
            co_return Errc::unavailable;
        }
        // PQsocket may change between polls (libpq tries the next host or address, or
        // retries without SSL), and a new socket can reuse the old number: dup afresh.
        if (!redup_socket()) {
            fail_from_connection("connect");
            co_return Errc::unavailable;
        }
        const auto what = status == PGRES_POLLING_READING ? stream_descriptor::wait_read
                                                          : stream_descriptor::wait_write;
        auto which = co_await (socket_.async_wait(what, use_nothrow) ||
                               timer.async_wait(use_nothrow));
        if (which.index() == 1) {
            broken_ = true;
            last_error_ = "connect timed out";
            log::db().warn("connect: timed out");
            co_return Errc::unavailable;
        }
        if (auto [ec] = std::get<0>(which); ec) {
            broken_ = true;
            last_error_ = "connect interrupted";
            co_return Errc::unavailable;
        }
        status = PQconnectPoll(conn_);
    }
}

asio::awaitable<Result<void>> PgConnection::prepare(Statement stmt) {
    const std::string name(stmt.name);
    const std::string text(stmt.sql);
    if (!PQsendPrepare(conn_, name.c_str(), text.c_str(), 0, nullptr)) {
        co_return fail_from_connection("prepare " + name);
    }
    auto r = co_await await_result(stmt);
    if (!r) {
        log::db().error("prepare {} failed: SQLSTATE {}", name, last_sqlstate_);
        co_return r.error();
    }
    prepared_.emplace(name, stmt.sql);
    co_return Result<void>{};
}

asio::awaitable<Result<PgResult>> PgConnection::query(Statement stmt, PgParams params) {
    last_sqlstate_.clear();
    if (broken_ || !conn_) co_return Errc::unavailable;
    const std::string name(stmt.name);
    if (auto it = prepared_.find(name); it == prepared_.end()) {
        if (auto r = co_await prepare(stmt); !r) co_return r.error();
    } else if (it->second != stmt.sql) {
        log::db().error("statement {} was prepared with different SQL", name);
        co_return Errc::internal;
    }
    const PgParams::View v = params.view();
    if (!PQsendQueryPrepared(conn_, name.c_str(), static_cast<int>(v.values.size()),
                             v.values.data(), v.lengths.data(), v.formats.data(), 0)) {
        co_return fail_from_connection("query " + name);
    }
    co_return co_await await_result(stmt);
}

asio::awaitable<Result<void>> PgConnection::execute_simple(Statement stmt) {
    last_sqlstate_.clear();
    if (broken_ || !conn_) co_return Errc::unavailable;
    const std::string text(stmt.sql);
    if (!PQsendQuery(conn_, text.c_str()))
        co_return fail_from_connection("query " + std::string(stmt.name));
    auto r = co_await await_result(stmt);
    if (!r) co_return r.error();
    co_return Result<void>{};
}

asio::awaitable<Result<std::vector<PgConnection::Notification>>>
PgConnection::wait_notifications() {
    if (broken_ || !conn_) co_return Errc::unavailable;
    std::vector<Notification> out;
    for (;;) {
        if (!PQconsumeInput(conn_)) co_return fail_from_connection("notifications");
        while (PGnotify* n = PQnotifies(conn_)) {
            out.push_back(Notification{n->relname ? n->relname : "", n->extra ? n->extra : ""});
            PQfreemem(n);
        }
        if (!out.empty()) co_return out;
        if (auto [ec] = co_await socket_.async_wait(stream_descriptor::wait_read, use_nothrow); ec) {
            broken_ = true;
            co_return Errc::unavailable;
        }
    }
}

asio::awaitable<Result<PgResult>> PgConnection::await_result(Statement stmt) {
    // Send everything libpq buffered.
    for (;;) {
        const int flushed = PQflush(conn_);
        if (flushed == 0) break;
        if (flushed < 0) co_return fail_from_connection(std::string(stmt.name));
        if (auto [ec] = co_await socket_.async_wait(stream_descriptor::wait_write, use_nothrow);
            ec) {
            broken_ = true;  // interrupted mid-protocol: state unknown
            co_return Errc::unavailable;
        }
    }
    // Collect every result of the command; keep the first error, else the last result.
    PgResult error;
    PgResult last;
    for (;;) {
        for (;;) {
            if (!PQconsumeInput(conn_)) co_return fail_from_connection(std::string(stmt.name));
            if (!PQisBusy(conn_)) break;
            if (auto [ec] = co_await socket_.async_wait(stream_descriptor::wait_read,
                                                        use_nothrow);
                ec) {
                broken_ = true;
                co_return Errc::unavailable;
            }
        }
        PGresult* raw = PQgetResult(conn_);
        if (!raw) break;
        PgResult result(raw);
        switch (PQresultStatus(raw)) {
        case PGRES_COMMAND_OK:
        case PGRES_TUPLES_OK:
        case PGRES_EMPTY_QUERY:
            last = std::move(result);
            break;
        case PGRES_FATAL_ERROR:
            if (!error) error = std::move(result);
            break;
        default:
            // COPY and friends are never issued through this path.
            if (!error) error = std::move(result);
            break;
        }
    }
    if (!error) {
        if (PQstatus(conn_) == CONNECTION_BAD)
            co_return fail_from_connection(std::string(stmt.name));
        co_return std::move(last);
    }
    const char* state = PQresultErrorField(error.get(), PG_DIAG_SQLSTATE);
    last_sqlstate_ = state ? state : "";
    const Errc errc = errc_from_sqlstate(last_sqlstate_);
    if (PQstatus(conn_) == CONNECTION_BAD || errc == Errc::unavailable) {
        if (!is_retryable_sqlstate(last_sqlstate_)) broken_ = true;
    }
    // Name and SQLSTATE only: the server's message may quote parameter values.
    if (errc == Errc::conflict)
        log::db().debug("statement {} failed: SQLSTATE {}", stmt.name, last_sqlstate_);
    else
        log::db().warn("statement {} failed: SQLSTATE {}", stmt.name,
                       last_sqlstate_.empty() ? "(none)" : last_sqlstate_);
    co_return errc;
}

}  // namespace wardline::server::storage
