// SPDX-License-Identifier: Apache-2.0
// The retention job (issue #7; docs/admin-guide.md "Retention and legal holds"): run_retention
// driven with a controlled clock against the real database (policies, holds, batches, the
// audit record, the advisory lock), and wardlinectl retention run against a real server, whose
// members' devices are told with messages.expired and keep syncing.
#include "server/retention/retention_job.hpp"
#include "server/storage/pg_pool.hpp"
#include "tests/integration/messaging/stream_fixture.hpp"
#include "tests/integration/storage/asio_threads.hpp"

#include <algorithm>
#include <chrono>

namespace wardline::test {
namespace {

using nlohmann::json;
using server::retention::RunOptions;
using server::retention::RunReport;
using server::retention::RunStatus;

constexpr std::int64_t kDay = 24 * 60 * 60 * 1000;

class RetentionJob : public StreamFixture {
protected:
    void SetUp() override {
        StreamFixture::SetUp();
        server::storage::PgConfig c;
        c.conninfo = database().runtime_conninfo;
        c.password = database().runtime_password;
        c.pool_size = 3;
        pool_ = std::make_unique<server::storage::PgPool>(threads_.executor(), c);
        pool_->start();
        alice_ = user("General", "alice.physician", "physician");
        bob_ = user("General", "bob.nurse", "nurse");
        org_ = org_id(alice_);
        t0_ = owner().exec("SELECT (extract(epoch FROM now()) * 1000)::bigint").int64(0, 0);
        conv_ = conversation("group");
    }
    void TearDown() override {
        pool_.reset();
        StreamFixture::TearDown();
    }
    TestUser user(const std::string& org, const std::string& name, const std::string& role) {
        create_user(org, name, role);
        TestUser u;
        u.org = org;
        u.username = name;
        u.id = std::string(owner()
                               .exec("SELECT id FROM users WHERE username = '" + name + "'")
                               .text_or_throw(0, 0));
        return u;
    }
    std::string conversation(const std::string& kind) {
        const auto id =
            create_conversation(alice_, {{&alice_, "owner"}, {&bob_, "member"}}, random_group_id());
        if (kind != "group")
            owner().exec("UPDATE conversations SET kind = '" + kind + "' WHERE id = '" + id + "'");
        return id;
    }
    static std::string at(std::int64_t ms) {
        return "to_timestamp(" + std::to_string(ms) + " / 1000.0)";
    }
    /// A message of `sender` stored `days_old` days before t0; returns its seq.
    std::int64_t message(const std::string& conv, const TestUser& sender, double days_old) {
        auto db = owner();
        const auto seq = db.exec("UPDATE conversations SET last_seq = last_seq + 1 WHERE id = '" +
                                 conv + "' RETURNING last_seq")
                             .int64(0, 0);
        const auto created = t0_ - static_cast<std::int64_t>(days_old * kDay);
        db.exec(
            "INSERT INTO messages (conversation_id, seq, org_id, kind, sender_user_id, "
            "client_msg_id, priority, epoch, body_sealed, created_at) SELECT '" +
            conv + "', " + std::to_string(seq) + ", org_id, 'application', '" + sender.id +
            "', gen_random_uuid(), 1, 0, '\\x00', " + at(created) +
            " FROM conversations WHERE id = '" + conv + "'");
        return seq;
    }
    /// A policy as SQL: scope "organization", "kind" (target = kind) or "conversation"
    /// (target = id); days < 0 is forever.
    void policy(const std::string& scope, const std::string& target, int days,
                const std::string& org = "") {
        const std::string o = org.empty() ? org_ : org;
        const std::string kind = scope == "kind" ? "'" + target + "'" : "NULL";
        const std::string conv = scope == "conversation" ? "'" + target + "'" : "NULL";
        owner().exec(
            "INSERT INTO retention_policies (org_id, scope, conversation_kind, "
            "conversation_id, keep_days, updated_by) SELECT '" +
            o + "', '" + scope + "', " + kind + ", " + conv + ", " +
            (days < 0 ? std::string("NULL") : std::to_string(days)) +
            ", id FROM users WHERE org_id = '" + o + "' LIMIT 1");
    }
    /// A hold from `from_days` to `to_days` days before t0 (to_days < 0: open-ended).
    std::string hold(const std::string& scope, const std::string& target, double from_days,
                     double to_days) {
        const std::string user_id = scope == "user" ? "'" + target + "'" : "NULL";
        const std::string conv = scope == "user" ? "NULL" : "'" + target + "'";
        const std::string ends =
            to_days < 0 ? "NULL" : at(t0_ - static_cast<std::int64_t>(to_days * kDay));
        return std::string(
            owner()
                .exec("INSERT INTO legal_holds (org_id, scope, user_id, conversation_id, "
                      "case_name, starts_at, ends_at, placed_by) VALUES ('" +
                      org_ + "', '" + scope + "', " + user_id + ", " + conv + ", 'Case 12', " +
                      at(t0_ - static_cast<std::int64_t>(from_days * kDay)) + ", " + ends + ", '" +
                      alice_.id + "') RETURNING id")
                .text_or_throw(0, 0));
    }
    RunReport run(std::int64_t as_of, int batch = 100, bool dry_run = false) {
        RunOptions o;
        o.as_of_ms = as_of;
        o.batch_size = batch;
        o.pause = std::chrono::milliseconds(1);
        o.dry_run = dry_run;
        o.runner = "test";
        auto r = threads_.run(server::retention::run_retention(*pool_, std::move(o)));
        EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message());
        return r ? *r : RunReport{};
    }
    std::vector<std::int64_t> remaining(const std::string& conv) {
        auto r = owner().exec("SELECT seq FROM messages WHERE conversation_id = '" + conv +
                              "' ORDER BY seq");
        std::vector<std::int64_t> seqs;
        for (int i = 0; i < r.rows(); ++i) seqs.push_back(r.int64(i, 0));
        return seqs;
    }
    static const server::retention::ExpiredConversation* find(const RunReport& r,
                                                              const std::string& conv) {
        for (const auto& c : r.conversations)
            if (c.conversation_id == conv) return &c;
        return nullptr;
    }

    AsioThreads threads_{2};
    std::unique_ptr<server::storage::PgPool> pool_;
    TestUser alice_, bob_;
    std::string org_, conv_;
    std::int64_t t0_ = 0;
};

using Seqs = std::vector<std::int64_t>;

TEST_F(RetentionJob, ExpiredMessagesGoWithTheirAcknowledgementsAndUnexpiredOnesStay) {
    policy("organization", "", 30);
    const auto old1 = message(conv_, alice_, 40);
    message(conv_, bob_, 31);
    message(conv_, alice_, 10);
    owner().exec("INSERT INTO message_acks (conversation_id, seq, user_id) VALUES ('" + conv_ +
                 "', " + std::to_string(old1) + ", '" + bob_.id + "')");
    owner().exec(
        "INSERT INTO escalations (conversation_id, seq, org_id, status, escalated_at, "
        "level) VALUES ('" +
        conv_ + "', " + std::to_string(old1) + ", '" + org_ + "', 'target_missing', now(), 1)");
    const auto report = run(t0_);
    EXPECT_EQ(report.status, RunStatus::ran);
    EXPECT_EQ(report.total, 2);
    EXPECT_EQ(remaining(conv_), (Seqs{3}));
    ASSERT_NE(find(report, conv_), nullptr);
    EXPECT_EQ(find(report, conv_)->up_to_seq, 2);
    EXPECT_EQ(count("SELECT count(*) FROM message_acks"), 0);
    EXPECT_EQ(count("SELECT count(*) FROM escalations"), 0);
    // Sequence numbers go on from where they were.
    EXPECT_EQ(count("SELECT last_seq FROM conversations WHERE id = '" + conv_ + "'"), 3);
    // A message just inside the window stays until the clock passes it.
    EXPECT_EQ(run(t0_).total, 0);
    EXPECT_EQ(run(t0_ + 21 * kDay).total, 1);
    EXPECT_TRUE(remaining(conv_).empty());
}

TEST_F(RetentionJob, TheMostSpecificPolicyWinsForeverKeepsAndNoPolicyKeeps) {
    const auto by_org = conv_;                     // group: the organization's 30 days
    const auto by_kind = conversation("channel");  // channel: 100 days
    const auto by_conv = conversation("channel");  // its own 5 days beat the kind's 100
    const auto forever = conversation("group");    // its own "forever" beats the 30 days
    policy("organization", "", 30);
    policy("kind", "channel", 100);
    policy("conversation", by_conv, 5);
    policy("conversation", forever, -1);
    TestUser otto = user("Other", "otto.physician", "physician");
    const auto other = create_conversation(otto, {{&otto, "owner"}}, random_group_id());
    for (const auto& c : {by_org, by_kind, by_conv, forever}) {
        message(c, alice_, 40);
        message(c, bob_, 7);
    }
    message(other, otto, 4000);  // an organization without any policy keeps everything
    const auto report = run(t0_);
    EXPECT_EQ(remaining(by_org), (Seqs{2}));
    EXPECT_EQ(remaining(by_kind), (Seqs{1, 2}));
    EXPECT_EQ(remaining(by_conv), Seqs{});
    EXPECT_EQ(remaining(forever), (Seqs{1, 2}));
    EXPECT_EQ(remaining(other), (Seqs{1}));
    EXPECT_EQ(report.total, 3);
    // Removing the conversation's "forever" lets the organization's policy apply again.
    owner().exec("DELETE FROM retention_policies WHERE conversation_id = '" + forever + "'");
    EXPECT_EQ(run(t0_).total, 1);
    EXPECT_EQ(remaining(forever), (Seqs{2}));
}

TEST_F(RetentionJob, NothingUnderALegalHoldIsDeletedUntilTheHoldIsReleased) {
    policy("organization", "", 30);
    // alice's messages from 55 to 35 days ago are held; bob's are not.
    hold("user", alice_.id, 55, 35);
    message(conv_, alice_, 60);  // 1: before the hold's range: goes
    message(conv_, alice_, 50);  // 2: held
    message(conv_, alice_, 40);  // 3: held
    message(conv_, bob_, 50);    // 4: bob is not held: goes
    message(conv_, alice_, 31);  // 5: after the range: goes
    // A conversation hold, open-ended, whose release is pending: still holds.
    const auto second = conversation("group");
    const auto pending = hold("conversation", second, 100, -1);
    owner().exec("UPDATE legal_holds SET release_requested_by = '" + alice_.id +
                 "', release_requested_at = now() WHERE id = '" + pending + "'");
    message(second, bob_, 90);
    message(second, alice_, 45);
    // A released hold protects nothing.
    const auto third = conversation("group");
    const auto released = hold("conversation", third, 100, -1);
    owner().exec("UPDATE legal_holds SET release_requested_by = '" + alice_.id +
                 "', release_requested_at = now(), released_by = '" + bob_.id +
                 "', released_at = now() WHERE id = '" + released + "'");
    message(third, bob_, 90);

    const auto report = run(t0_);
    EXPECT_EQ(remaining(conv_), (Seqs{2, 3}));
    EXPECT_EQ(remaining(second), (Seqs{1, 2}));
    EXPECT_EQ(remaining(third), Seqs{});
    EXPECT_EQ(report.total, 4);
    // Releasing the pending one lets the next run delete what it alone held; alice's message
    // of 45 days ago stays, since her user hold covers every conversation.
    owner().exec("UPDATE legal_holds SET released_by = '" + bob_.id +
                 "', released_at = now() WHERE id = '" + pending + "'");
    EXPECT_EQ(run(t0_).total, 1);
    EXPECT_EQ(remaining(second), (Seqs{2}));
}

TEST_F(RetentionJob, EachRunIsRecordedWithOneAuditRecordWhoseCountsMatch) {
    policy("organization", "", 30);
    const auto second = conversation("group");
    message(conv_, alice_, 40);
    message(conv_, bob_, 35);
    message(second, alice_, 33);
    message(second, alice_, 3);
    // A dry run counts and deletes nothing.
    const auto dry = run(t0_, 100, true);
    EXPECT_EQ(dry.total, 3);
    EXPECT_EQ(count("SELECT count(*) FROM messages"), 4);
    EXPECT_EQ(audit_count("retention.dry_run", "success"), 1);

    const auto report = run(t0_);
    EXPECT_EQ(report.total, 3);
    ASSERT_EQ(audit_count("retention.run", "success"), 1);
    auto r = owner().exec(
        "SELECT details, org_id, severity, target_id FROM audit_records "
        "WHERE action = 'retention.run'");
    const json details = json::parse(std::string(r.text_or_throw(0, 0)));
    EXPECT_EQ(r.text_or_throw(0, 1), org_);
    EXPECT_EQ(r.text_or_throw(0, 2), "high");
    EXPECT_EQ(r.text_or_throw(0, 3), std::to_string(report.run_id));
    EXPECT_EQ(details["messages"], 3);
    std::map<std::string, std::int64_t> counted;
    for (const auto& c : details["conversations"])
        counted[c["conversation_id"].get<std::string>()] = c["messages"].get<std::int64_t>();
    EXPECT_EQ(counted, (std::map<std::string, std::int64_t>{{conv_, 2}, {second, 1}}));
    EXPECT_EQ(count("SELECT deleted_messages FROM retention_runs WHERE id = " +
                    std::to_string(report.run_id) + " AND finished_at IS NOT NULL"),
              3);
    // A run with nothing to delete is recorded too, with zero.
    run(t0_);
    EXPECT_EQ(audit_count("retention.run", "success"), 2);
    EXPECT_EQ(count("SELECT count(*) FROM retention_runs"), 3);
    // Message contents never reach the record.
    EXPECT_EQ(count("SELECT count(*) FROM audit_records WHERE action LIKE 'retention.%' AND "
                    "details LIKE '%body%'"),
              0);
}

TEST_F(RetentionJob, BatchesOfTheConfiguredSizeDeleteEverythingThatExpired) {
    policy("organization", "", 30);
    for (int i = 0; i < 5; ++i) message(conv_, alice_, 40 + i);
    message(conv_, alice_, 1);
    const auto report = run(t0_, 2);
    EXPECT_EQ(report.total, 5);
    EXPECT_EQ(report.batches, 3);
    EXPECT_EQ(remaining(conv_), (Seqs{6}));
    EXPECT_EQ(find(report, conv_)->up_to_seq, 5);
}

TEST_F(RetentionJob, OneRunAtATimeAcrossProcessesAndWardlinectl) {
    policy("organization", "", 30);
    message(conv_, alice_, 40);
    {
        // Another process's run holds the lock.
        auto other = owner();
        other.exec("SELECT pg_advisory_lock(7303, 0)");
        const auto report = run(t0_);
        EXPECT_EQ(report.status, RunStatus::busy);
        EXPECT_EQ(remaining(conv_), (Seqs{1}));
        EXPECT_EQ(count("SELECT count(*) FROM retention_runs"), 0);
        const auto cli = ctl("retention run");
        EXPECT_EQ(cli.status, 3) << cli.output;
        EXPECT_EQ(remaining(conv_), (Seqs{1}));
        // Given back explicitly: a closed connection's backend lets go of it only later.
        other.exec("SELECT pg_advisory_unlock(7303, 0)");
    }
    // Two runs started together: one deletes, neither twice.
    auto first = threads_.spawn(server::retention::run_retention(
        *pool_, RunOptions{t0_, 100, std::chrono::milliseconds(1), false, "a"}));
    auto second = threads_.spawn(server::retention::run_retention(
        *pool_, RunOptions{t0_, 100, std::chrono::milliseconds(1), false, "b"}));
    const auto a = first.get();
    const auto b = second.get();
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a->total + b->total, 1);
    EXPECT_TRUE(remaining(conv_).empty());
    // The lock was given back: the next run runs.
    EXPECT_EQ(run(t0_).status, RunStatus::ran);
}

TEST_F(RetentionJob, WardlinectlDryRunCountsRunDeletesAndPoliciesLists) {
    policy("organization", "", 30);
    policy("kind", "channel", -1);
    message(conv_, alice_, 40);
    message(conv_, alice_, 2);
    auto r = ctl("retention run --dry-run");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("1 message(s) would be deleted in 1 conversation(s)"),
              std::string::npos)
        << r.output;
    EXPECT_EQ(remaining(conv_), (Seqs{1, 2}));
    r = ctl("retention run --batch-size 1");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find(conv_ + "\t1\t1"), std::string::npos) << r.output;
    EXPECT_EQ(remaining(conv_), (Seqs{2}));
    EXPECT_EQ(count("SELECT count(*) FROM audit_records WHERE action = 'retention.run' AND "
                    "actor_id = 'wardlinectl'"),
              1);
    r = ctl("retention policies --org General");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("General\torganization\t-\t30 days"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("General\tkind\tchannel\tforever"), std::string::npos) << r.output;
    // Bad input.
    EXPECT_EQ(ctl("retention run --batch-size 0").status, 2);
    EXPECT_EQ(ctl("retention run --batch-size many").status, 2);
    EXPECT_EQ(ctl("retention policies --org Nowhere").status, 3);
    EXPECT_EQ(ctl("retention purge").status, 2);
}

/// Through a real server: the members' devices are told, and sync and new messages go on.
class RetentionJobLive : public StreamFixture {};

TEST_F(RetentionJobLive, MembersAreToldAndADeviceStillSyncsAndSendsAfterDeletion) {
    start_stream();
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    Client alice = client(alice_user);
    Client bob = client(bob_user);
    const std::string conv = group_of(alice, {&bob});
    std::vector<std::int64_t> sent;
    for (const char* text : {"old one", "old two", "recent"})
        sent.push_back(ok("messages.send", send(alice, conv, text))["seq"].get<std::int64_t>());
    for (const char* text : {"old one", "old two", "recent"})
        EXPECT_EQ(open(bob, next_event(*bob.ws, "message.new")["body"]), text);
    auto db = owner();
    db.exec(
        "UPDATE messages SET created_at = now() - interval '40 days' WHERE conversation_id = '" +
        conv + "' AND seq <= " + std::to_string(sent[1]));
    db.exec(
        "INSERT INTO retention_policies (org_id, scope, keep_days, updated_by) SELECT org_id, "
        "'organization', 30, id FROM users WHERE id = '" +
        alice_user.id + "'");
    const auto r = ctl("retention run");
    ASSERT_EQ(r.status, 0) << r.output;
    const json expired = next_event(*bob.ws, "messages.expired")["body"];
    EXPECT_EQ(expired["conversation_id"], conv);
    EXPECT_EQ(expired["up_to_seq"], sent[1]);
    // The two old application messages; the commit that formed the group (seq 1) stays.
    EXPECT_EQ(expired["count"].get<std::int64_t>(), 2);
    EXPECT_EQ(count("SELECT count(*) FROM messages WHERE conversation_id = '" + conv +
                    "' AND kind <> 'application'"),
              sent[0] - 1);
    EXPECT_EQ(next_event(*alice.ws, "messages.expired")["body"]["up_to_seq"], sent[1]);

    // A new connection of bob's device syncs from the start: only what is left, in order (the
    // group's handshake messages, then the one recent message).
    auto again = session(bob_user);
    const json page = ok(
        "messages.sync",
        again->request("messages.sync", {{"cursors", {{{"conversation_id", conv}, {"seq", 0}}}}}));
    ASSERT_EQ(page["messages"].size(), static_cast<std::size_t>(sent[0])) << page.dump();
    for (std::size_t i = 0; i + 1 < page["messages"].size(); ++i)
        EXPECT_EQ(page["messages"][i]["seq"], static_cast<std::int64_t>(i) + 1);
    EXPECT_EQ(page["messages"].back()["seq"], sent[2]);
    // New messages take the next numbers and still decrypt.
    const auto next = ok("messages.send", send(alice, conv, "after the run"));
    EXPECT_EQ(next["seq"], sent[2] + 1);
    EXPECT_EQ(open(bob, next_event(*bob.ws, "message.new")["body"]), "after the run");
}

TEST_F(RetentionJobLive, TheServersOwnJobRunsOnItsIntervalAndTellsTheMembers) {
    start_stream({{"retention.interval_seconds", "1"}, {"retention.batch_size", "1"}});
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    auto bob = session(bob_user);
    const auto conv = create_conversation(
        alice_user, {{&alice_user, "owner"}, {&bob_user, "member"}}, random_group_id());
    auto db = owner();
    for (int i = 1; i <= 3; ++i) {
        db.exec("UPDATE conversations SET last_seq = " + std::to_string(i) + " WHERE id = '" +
                conv + "'");
        db.exec(
            "INSERT INTO messages (conversation_id, seq, org_id, kind, sender_user_id, "
            "client_msg_id, epoch, body_sealed, created_at) SELECT id, " +
            std::to_string(i) + ", org_id, 'application', '" + alice_user.id +
            "', gen_random_uuid(), 0, '\\x00', now() - interval '" +
            std::to_string(i == 3 ? 1 : 40) + " days' FROM conversations WHERE id = '" + conv +
            "'");
    }
    db.exec(
        "INSERT INTO retention_policies (org_id, scope, keep_days, updated_by) SELECT org_id, "
        "'organization', 30, id FROM users WHERE id = '" +
        alice_user.id + "'");
    const json expired = next_event(*bob, "messages.expired")["body"];
    EXPECT_EQ(expired["conversation_id"], conv);
    EXPECT_EQ(expired["up_to_seq"], 2);
    EXPECT_EQ(expired["count"], 2);
    EXPECT_EQ(count("SELECT count(*) FROM messages WHERE conversation_id = '" + conv + "'"), 1);
    EXPECT_GE(audit_count("retention.run", "success"), 1);
}

/// A device that was offline when messages.expired went out: conversations.list says up to
/// which seq the server holds no application message, and that stops below a held message.
TEST_F(RetentionJobLive, ConversationsListTellsAnOfflineDeviceWhatExpiredAndStopsAtAHold) {
    start_stream();
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    const auto conv = create_conversation(
        alice_user, {{&alice_user, "owner"}, {&bob_user, "member"}}, random_group_id());
    const auto untouched = create_conversation(
        alice_user, {{&alice_user, "owner"}, {&bob_user, "member"}}, random_group_id());
    auto db = owner();
    // seq 1 a commit (kept by retention); 2 alice old, 3 bob old, 4 alice old, 5 alice recent.
    const std::vector<std::pair<std::string, std::string>> rows{{"commit", alice_user.id},
                                                                {"application", alice_user.id},
                                                                {"application", bob_user.id},
                                                                {"application", alice_user.id},
                                                                {"application", alice_user.id}};
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto seq = std::to_string(i + 1);
        db.exec("UPDATE conversations SET last_seq = " + seq + " WHERE id = '" + conv + "'");
        db.exec(
            "INSERT INTO messages (conversation_id, seq, org_id, kind, sender_user_id, "
            "client_msg_id, epoch, body_sealed, created_at) SELECT id, " +
            seq + ", org_id, '" + rows[i].first + "', '" + rows[i].second +
            "', gen_random_uuid(), 0, '\\x00', now() - interval '" +
            (i + 1 == rows.size() ? "1" : "40") + " days' FROM conversations WHERE id = '" + conv +
            "'");
    }
    db.exec(
        "INSERT INTO retention_policies (org_id, scope, keep_days, updated_by) SELECT org_id, "
        "'organization', 30, id FROM users WHERE id = '" +
        alice_user.id + "'");
    // Bob's messages are under a user hold.
    const auto held = std::string(
        db.exec("INSERT INTO legal_holds (org_id, scope, user_id, case_name, starts_at, "
                "placed_by) SELECT org_id, 'user', id, 'Case 7', now() - interval '1 year', id "
                "FROM users WHERE id = '" +
                bob_user.id + "' RETURNING id")
            .text_or_throw(0, 0));
    auto bob = session(bob_user);
    const auto through = [&](const std::string& id) -> std::int64_t {
        const json page =
            ok("conversations.list", bob->request("conversations.list", json::object()));
        for (const auto& c : page["conversations"])
            if (c["id"] == id) return c["expired_through_seq"].get<std::int64_t>();
        ADD_FAILURE() << "not listed: " << page.dump();
        return -1;
    };
    EXPECT_EQ(through(conv), 1) << "nothing expired yet: below the first application message";
    EXPECT_EQ(through(untouched), 0);
    bob.reset();  // offline while the job runs

    auto r = ctl("retention run");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(count("SELECT count(*) FROM messages WHERE conversation_id = '" + conv + "'"), 3)
        << "the commit, bob's held message and the recent one";
    bob = session(bob_user);
    // 2 went, 3 is held: a device deletes up to 2 only (4 went too, but 3 is still there).
    EXPECT_EQ(through(conv), 2);
    EXPECT_EQ(through(untouched), 0);

    // Once the hold is released (four-eyes: requested by one, confirmed by another), the next
    // run deletes 3 and the answer moves to just below the recent message.
    db.exec("UPDATE legal_holds SET release_requested_by = '" + bob_user.id +
            "', release_requested_at = now(), released_by = '" + alice_user.id +
            "', released_at = now() WHERE id = '" + held + "'");
    r = ctl("retention run");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(through(conv), 4);
    // With no application message left, it is the conversation's last seq.
    db.exec(
        "UPDATE messages SET created_at = now() - interval '40 days' WHERE conversation_id = '" +
        conv + "' AND seq = 5");
    r = ctl("retention run");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(through(conv), 5);
    // Another organization's user never sees the conversation at all.
    TestUser otto_user = enroll("Other", "otto.physician", "physician");
    auto otto = session(otto_user);
    const json others =
        ok("conversations.list", otto->request("conversations.list", json::object()));
    EXPECT_TRUE(others["conversations"].empty()) << others.dump();
}

}  // namespace
}  // namespace wardline::test
