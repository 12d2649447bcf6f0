// SPDX-License-Identifier: Apache-2.0
#include "server/retention/retention_job.hpp"

#include "common/core/log.hpp"
#include "server/identity/audit_bridge.hpp"
#include "server/identity/session_registry.hpp"
#include "server/storage/statements.hpp"
#include "server/storage/transaction.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <map>
#include <optional>
#include <set>

namespace wardline::server::retention {
namespace {

namespace asio = boost::asio;
using nlohmann::json;
using storage::PgLease;
using storage::PgParams;

/// Conversations listed in one audit record at most (the rest are counted in the total).
constexpr std::size_t kMaxListedConversations = 2000;

using Tally = std::map<std::string, ExpiredConversation>;

void add(Tally& tally, std::string conversation_id, std::string org_id, std::int64_t count,
         std::int64_t seq) {
    auto& c = tally[conversation_id];
    c.conversation_id = std::move(conversation_id);
    c.org_id = std::move(org_id);
    c.count += count;
    c.up_to_seq = std::max(c.up_to_seq, seq);
}

/// Deletes one batch in its own transaction; returns how many went.
asio::awaitable<Result<int>> delete_batch(PgLease& lease, const RunOptions& options, Tally& tally) {
    Tally batch;
    auto work = [&](PgLease& l) -> asio::awaitable<Result<int>> {
        batch.clear();
        PgParams params;
        params.integer(options.as_of_ms).integer(options.batch_size);
        auto r = co_await l.query(storage::statement("retention_delete_batch"), std::move(params));
        if (!r) co_return r.error();
        for (int i = 0; i < r->rows(); ++i)
            add(batch, std::string(r->text_or_throw(i, 0)), std::string(r->text_or_throw(i, 1)), 1,
                r->int64(i, 2));
        co_return r->rows();
    };
    auto deleted = co_await storage::with_transaction(lease, work);
    if (!deleted) co_return deleted.error();
    for (auto& [id, c] : batch) add(tally, id, c.org_id, c.count, c.up_to_seq);
    co_return *deleted;
}

asio::awaitable<Result<void>> count_due(PgLease& lease, const RunOptions& options, Tally& tally) {
    PgParams params;
    params.integer(options.as_of_ms);
    auto r = co_await lease.query(storage::statement("retention_due_counts"), std::move(params));
    if (!r) co_return r.error();
    for (int i = 0; i < r->rows(); ++i)
        add(tally, std::string(r->text_or_throw(i, 0)), std::string(r->text_or_throw(i, 1)),
            r->int64(i, 2), r->int64(i, 3));
    co_return Result<void>{};
}

/// The run's row and one audit record per organization that has a policy with a duration or
/// lost messages, in one transaction.
asio::awaitable<Result<void>> record_run(PgLease& lease, const RunOptions& options,
                                         const RunReport& report) {
    auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
        PgParams finish;
        finish.integer(report.run_id).integer(report.total);
        if (auto f =
                co_await l.query(storage::statement("retention_run_finish"), std::move(finish));
            !f)
            co_return f.error();
        auto orgs_r = co_await l.query(storage::statement("retention_orgs_with_duration"));
        if (!orgs_r) co_return orgs_r.error();
        std::set<std::string> orgs;
        for (int i = 0; i < orgs_r->rows(); ++i) orgs.emplace(orgs_r->text_or_throw(i, 0));
        for (auto& n : run_audit_notes(options, report, std::move(orgs))) {
            auto writing = identity::write_audit(l, std::move(n));
            if (auto w = co_await std::move(writing); !w) co_return w.error();
        }
        co_return Result<void>{};
    };
    co_return co_await storage::with_transaction(lease, work);
}

asio::awaitable<Result<RunReport>> run_locked(PgLease& lease, RunOptions options) {
    RunReport report;
    PgParams start;
    start.integer(options.as_of_ms).text(options.runner).boolean(options.dry_run);
    auto started =
        co_await lease.query(storage::statement("retention_run_start"), std::move(start));
    if (!started) co_return started.error();
    report.run_id = started->int64(0, 0);
    Tally tally;
    if (options.dry_run) {
        if (auto counted = co_await count_due(lease, options, tally); !counted)
            co_return counted.error();
    } else {
        asio::steady_timer pause(co_await asio::this_coro::executor);
        for (;;) {
            auto deleted = co_await delete_batch(lease, options, tally);
            if (!deleted) co_return deleted.error();
            if (*deleted > 0) ++report.batches;
            if (*deleted < options.batch_size) break;
            // Let live traffic have the database between two batches.
            pause.expires_after(options.pause);
            co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
        }
    }
    for (auto& [id, c] : tally) {
        report.total += c.count;
        report.conversations.push_back(std::move(c));
    }
    auto recording = record_run(lease, options, report);
    if (auto recorded = co_await std::move(recording); !recorded) co_return recorded.error();
    co_return report;
}

}  // namespace

std::vector<identity::AuditNote> run_audit_notes(const RunOptions& options, const RunReport& report,
                                                 std::set<std::string> orgs) {
    for (const auto& c : report.conversations) orgs.insert(c.org_id);
    std::vector<identity::AuditNote> notes;
    for (const auto& org : orgs) {
        identity::AuditNote n;
        n.action = options.dry_run ? "retention.dry_run" : "retention.run";
        n.outcome = "success";
        n.org_id = org;
        n.actor_kind = "system";
        n.actor_id = options.runner;
        n.target_kind = "retention_run";
        n.target_id = std::to_string(report.run_id);
        n.details["as_of_ms"] = options.as_of_ms;
        json listed = json::array();
        std::int64_t total = 0;
        for (const auto& c : report.conversations) {
            if (c.org_id != org) continue;
            total += c.count;
            if (listed.size() < kMaxListedConversations)
                listed.push_back({{"conversation_id", c.conversation_id},
                                  {"messages", c.count},
                                  {"up_to_seq", c.up_to_seq}});
        }
        n.details["messages"] = total;
        n.details["conversations"] = std::move(listed);
        n.high_severity = total > 0 && !options.dry_run;
        notes.push_back(std::move(n));
    }
    return notes;
}

json expired_event_body(const ExpiredConversation& c) {
    return json{
        {"conversation_id", c.conversation_id}, {"up_to_seq", c.up_to_seq}, {"count", c.count}};
}

asio::awaitable<Result<RunReport>> run_retention(storage::PgPool& pool, RunOptions options) {
    if (options.batch_size < 1) co_return Errc::bad_request;
    auto lease = co_await pool.acquire();
    if (!lease) co_return lease.error();
    auto locked = co_await lease->query(storage::statement("retention_try_lock"));
    if (!locked) co_return locked.error();
    if (!locked->boolean(0, 0)) {
        lease->release();
        co_return RunReport{RunStatus::busy, 0, 0, 0, {}};
    }
    std::optional<Result<RunReport>> report;
    try {
        auto running = run_locked(*lease, std::move(options));
        report.emplace(co_await std::move(running));
    } catch (...) {
        // The lock must not stay with a pooled connection: discard the connection.
        (*lease)->mark_broken();
        lease->release();
        throw;
    }
    // The lock belongs to the connection: a connection that cannot say it is done must not go
    // back to the pool holding it.
    auto unlocked = co_await lease->query(storage::statement("retention_unlock"));
    if (!unlocked) (*lease)->mark_broken();
    lease->release();
    co_return std::move(*report);
}

asio::awaitable<void> announce_expired(storage::PgPool& pool, identity::SessionRegistry& sessions,
                                       RunReport report) {
    if (report.conversations.empty()) co_return;
    std::string ids = "{";
    std::map<std::string, const ExpiredConversation*> by_id;
    for (const auto& c : report.conversations) {
        if (ids.size() > 1) ids += ',';
        ids += c.conversation_id;
        by_id[c.conversation_id] = &c;
    }
    ids += '}';
    PgParams params{ids};
    auto querying = pool.query(storage::statement("retention_members_of"), std::move(params));
    auto members = co_await std::move(querying);
    if (!members) {
        log::db().warn("retention: members of expired conversations not read: {}",
                       members.error().message());
        co_return;
    }
    for (int i = 0; i < members->rows(); ++i) {
        const auto it = by_id.find(std::string(members->text_or_throw(i, 0)));
        if (it == by_id.end()) continue;
        sessions.notify_user(std::string(members->text_or_throw(i, 1)), "messages.expired",
                             expired_event_body(*it->second));
    }
}

RetentionJob::RetentionJob(asio::any_io_executor executor, storage::PgPool& pool,
                           identity::SessionRegistry& sessions, std::string node,
                           std::chrono::seconds interval, int batch_size)
    : executor_(std::move(executor)),
      pool_(pool),
      sessions_(sessions),
      node_(std::move(node)),
      interval_(interval),
      batch_size_(batch_size) {}

void RetentionJob::start() {
    asio::co_spawn(executor_, run(), asio::detached);
}

asio::awaitable<void> RetentionJob::run() {
    asio::steady_timer timer(executor_);
    for (;;) {
        timer.expires_after(interval_);
        auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
        if (ec) co_return;
        try {
            RunOptions options;
            options.as_of_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count();
            options.batch_size = batch_size_;
            options.runner = node_;
            auto running = run_retention(pool_, std::move(options));
            auto report = co_await std::move(running);
            if (!report) {
                log::db().warn("retention run failed: {}", report.error().message());
                continue;
            }
            if (report->status == RunStatus::busy) continue;
            if (report->total > 0)
                log::app().info("retention run {} deleted {} message(s) in {} conversation(s)",
                                report->run_id, report->total, report->conversations.size());
            auto announcing = announce_expired(pool_, sessions_, std::move(*report));
            co_await std::move(announcing);
        } catch (const std::exception& e) {
            log::app().error("retention run failed: {}", e.what());
        }
    }
}

}  // namespace wardline::server::retention
