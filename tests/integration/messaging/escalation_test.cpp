// SPDX-License-Identifier: Apache-2.0
// Escalation of critical messages (issue #5; docs/architecture.md, "Clinical workflow"):
// the planner driven directly with a controlled clock against the real database (chains of
// levels included), and the escalator through a real server with rules of a few seconds.
#include "server/messaging/escalation_planner.hpp"
#include "server/storage/pg_pool.hpp"
#include "tests/integration/messaging/stream_fixture.hpp"
#include "tests/integration/storage/asio_threads.hpp"

#include <algorithm>
#include <chrono>
#include <future>

namespace wardline::test {
namespace {

using nlohmann::json;
using server::messaging::Escalation;
using server::messaging::plan_escalations;

constexpr std::int64_t kMinute = 60 * 1000;

/// The planner against the real database; users come from wardlinectl, the rest by SQL.
class EscalationPlanner : public StreamFixture {
protected:
    void SetUp() override {
        StreamFixture::SetUp();
        server::storage::PgConfig c;
        c.conninfo = database().runtime_conninfo;
        c.password = database().runtime_password;
        c.pool_size = 2;
        pool_ = std::make_unique<server::storage::PgPool>(threads_.executor(), c);
        pool_->start();
        alice_ = user("alice.physician", "physician");
        bob_ = user("bob.nurse", "nurse");
        carol_ = user("carol.nurse", "nurse");
        dave_ = user("dave.backup", "physician");
        org_ = org_id(alice_);
        t0_ = owner().exec("SELECT (extract(epoch FROM now()) * 1000)::bigint").int64(0, 0);
        conv_ = create_conversation(alice_,
                                    {{&alice_, "owner"}, {&bob_, "member"}, {&carol_, "member"}},
                                    random_group_id());
        team_ = std::string(owner()
                                .exec("INSERT INTO oncall_teams (org_id, name) VALUES ('" + org_ +
                                      "', 'Cardiology') RETURNING id")
                                .text_or_throw(0, 0));
    }
    void TearDown() override {
        pool_.reset();
        StreamFixture::TearDown();
    }
    TestUser user(const std::string& name, const std::string& role) {
        create_user("General", name, role);
        TestUser u;
        u.org = "General";
        u.username = name;
        u.id = std::string(owner()
                               .exec("SELECT id FROM users WHERE username = '" + name + "'")
                               .text_or_throw(0, 0));
        return u;
    }
    static std::string at(std::int64_t ms) {
        return "to_timestamp(" + std::to_string(ms) + " / 1000.0)";
    }
    /// A message stored at `created_ms`; returns its seq.
    std::int64_t message(int priority, std::int64_t created_ms,
                         const std::string& kind = "application") {
        auto db = owner();
        const auto seq = db.exec("UPDATE conversations SET last_seq = last_seq + 1 WHERE id = '" +
                                 conv_ + "' RETURNING last_seq")
                             .int64(0, 0);
        db.exec(
            "INSERT INTO messages (conversation_id, seq, org_id, kind, sender_user_id, "
            "client_msg_id, priority, epoch, body_sealed, created_at) VALUES ('" +
            conv_ + "', " + std::to_string(seq) + ", '" + org_ + "', '" + kind + "', '" +
            alice_.id + "', gen_random_uuid(), " + std::to_string(priority) + ", 0, '\\x00', " +
            at(created_ms) + ")");
        return seq;
    }
    /// One level of a chain: seconds after the send (level 1) or the previous level firing,
    /// then the target as SQL values (target_kind, team_id, role_name).
    struct Level {
        double seconds;
        std::string target_sql;
    };
    void chain(const std::vector<Level>& levels, const std::string& conversation = "NULL") {
        auto db = owner();
        const std::string id(db.exec("INSERT INTO escalation_rules (org_id, conversation_id, "
                                     "created_by) VALUES ('" +
                                     org_ + "', " + conversation + ", '" + alice_.id +
                                     "') RETURNING id")
                                 .text_or_throw(0, 0));
        for (std::size_t i = 0; i < levels.size(); ++i)
            db.exec(
                "INSERT INTO escalation_levels (rule_id, org_id, level, after_seconds, "
                "target_kind, team_id, role_name) VALUES ('" +
                id + "', '" + org_ + "', " + std::to_string(i + 1) + ", " +
                std::to_string(levels[i].seconds) + ", " + levels[i].target_sql + ")");
    }
    void rule(double seconds, const std::string& target_sql,
              const std::string& conversation = "NULL") {
        chain({{seconds, target_sql}}, conversation);
    }
    std::string backup() const { return "'oncall_backup', '" + team_ + "', NULL"; }
    std::string primary() const { return "'oncall_primary', '" + team_ + "', NULL"; }
    static std::string role(const std::string& name) { return "'role', NULL, '" + name + "'"; }
    void acknowledge(std::int64_t seq, const TestUser& u) {
        owner().exec("INSERT INTO message_acks (conversation_id, seq, user_id) VALUES ('" + conv_ +
                     "', " + std::to_string(seq) + ", '" + u.id + "')");
    }
    void shift(const TestUser& u, const std::string& role_name, std::int64_t from_ms,
               std::int64_t to_ms) {
        owner().exec(
            "INSERT INTO oncall_shifts (org_id, team_id, user_id, role, start_at, end_at) "
            "VALUES ('" +
            org_ + "', '" + team_ + "', '" + u.id + "', '" + role_name + "', " + at(from_ms) +
            ", " + at(to_ms) + ")");
    }
    void backup_shift(const TestUser& u, std::int64_t from_ms, std::int64_t to_ms) {
        shift(u, "backup", from_ms, to_ms);
    }
    std::vector<Escalation> plan(std::int64_t now_ms) {
        auto r = threads_.run(plan_escalations(pool_.get(), now_ms, 100));
        EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message());
        return r ? *r : std::vector<Escalation>{};
    }

    AsioThreads threads_{2};
    std::unique_ptr<server::storage::PgPool> pool_;
    TestUser alice_, bob_, carol_, dave_;
    std::string org_, conv_, team_;
    std::int64_t t0_ = 0;
};

TEST_F(EscalationPlanner, EscalatesAnUnacknowledgedCriticalMessageToTheBackupOnceWhenItsTimeComes) {
    rule(300, "'oncall_backup', '" + team_ + "', NULL");
    backup_shift(dave_, t0_ - 60 * kMinute, t0_ + 60 * kMinute);
    const auto seq = message(2, t0_);
    EXPECT_TRUE(plan(t0_ + 5 * kMinute - 1000).empty()) << "not before the rule's time";
    const auto due = plan(t0_ + 5 * kMinute + 1000);
    ASSERT_EQ(due.size(), 1u);
    EXPECT_EQ(due[0].conversation_id, conv_);
    EXPECT_EQ(due[0].seq, seq);
    EXPECT_EQ(due[0].status, "escalated");
    EXPECT_EQ(due[0].sender_user_id, alice_.id);
    EXPECT_EQ(due[0].targets, std::vector<std::string>{dave_.id});
    std::vector<std::string> pending{bob_.id, carol_.id};
    std::sort(pending.begin(), pending.end());
    EXPECT_EQ(due[0].pending_users, pending);
    EXPECT_EQ(due[0].escalated_at_ms, t0_ + 5 * kMinute + 1000) << "the given clock, not now()";
    // Recorded once: later scans find nothing more.
    EXPECT_TRUE(plan(t0_ + 10 * kMinute).empty());
    EXPECT_EQ(count("SELECT count(*) FROM escalations"), 1);
    EXPECT_EQ(audit_count("messages.escalate", "success"), 1);
}

TEST_F(EscalationPlanner, AcknowledgedRoutineUrgentRecalledAndHandshakeMessagesNeverEscalate) {
    rule(60, "'oncall_backup', '" + team_ + "', NULL");
    backup_shift(dave_, t0_ - 60 * kMinute, t0_ + 60 * kMinute);
    const auto acked = message(2, t0_);
    message(0, t0_);
    message(1, t0_);
    const auto recalled = message(2, t0_);
    message(2, t0_, "commit");
    const auto half = message(2, t0_);
    auto db = owner();
    for (const auto* u : {&bob_, &carol_})
        db.exec("INSERT INTO message_acks (conversation_id, seq, user_id) VALUES ('" + conv_ +
                "', " + std::to_string(acked) + ", '" + u->id + "')");
    db.exec("INSERT INTO message_acks (conversation_id, seq, user_id) VALUES ('" + conv_ + "', " +
            std::to_string(half) + ", '" + bob_.id + "')");
    db.exec("UPDATE messages SET recalled_at = now() WHERE conversation_id = '" + conv_ +
            "' AND seq = " + std::to_string(recalled));
    const auto due = plan(t0_ + 2 * kMinute);
    ASSERT_EQ(due.size(), 1u) << "only the message carol has not acknowledged";
    EXPECT_EQ(due[0].seq, half);
    EXPECT_EQ(due[0].pending_users, std::vector<std::string>{carol_.id});
}

TEST_F(EscalationPlanner, TheConversationsRuleWinsAndARoleTargetsItsActiveHolders) {
    rule(3600, "'oncall_backup', '" + team_ + "', NULL");
    rule(120, "'role', NULL, 'physician'", "'" + conv_ + "'");
    owner().exec("UPDATE users SET status = 'suspended' WHERE id = '" + dave_.id + "'");
    const auto seq = message(2, t0_);
    const auto due = plan(t0_ + 3 * kMinute);
    ASSERT_EQ(due.size(), 1u) << "the conversation's 2-minute rule, not the organization's hour";
    EXPECT_EQ(due[0].seq, seq);
    // alice holds physician and is active; dave holds it but is suspended.
    EXPECT_EQ(due[0].targets, std::vector<std::string>{alice_.id});
}

TEST_F(EscalationPlanner, AMissingTargetIsRecordedAsTargetMissingAndAudited) {
    rule(60, "'oncall_backup', '" + team_ + "', NULL");
    // dave's backup shift is over by the time the message escalates.
    backup_shift(dave_, t0_ - 60 * kMinute, t0_ + kMinute);
    message(2, t0_);
    const auto due = plan(t0_ + 2 * kMinute);
    ASSERT_EQ(due.size(), 1u);
    EXPECT_EQ(due[0].status, "target_missing");
    EXPECT_TRUE(due[0].targets.empty());
    EXPECT_EQ(count("SELECT count(*) FROM escalations WHERE status = 'target_missing'"), 1);
    EXPECT_EQ(audit_count("messages.escalate", "failure"), 1);
    EXPECT_TRUE(plan(t0_ + 3 * kMinute).empty());
}

TEST_F(EscalationPlanner, TwoConcurrentScansRecordEachEscalationOnce) {
    rule(60, "'oncall_backup', '" + team_ + "', NULL");
    backup_shift(dave_, t0_ - 60 * kMinute, t0_ + 60 * kMinute);
    for (int i = 0; i < 20; ++i) message(2, t0_);
    auto first = threads_.spawn(plan_escalations(pool_.get(), t0_ + 2 * kMinute, 100));
    auto second = threads_.spawn(plan_escalations(pool_.get(), t0_ + 2 * kMinute, 100));
    auto a = first.get();
    auto b = second.get();
    ASSERT_TRUE(a.has_value());
    ASSERT_TRUE(b.has_value());
    EXPECT_EQ(a->size() + b->size(), 20u);
    EXPECT_EQ(count("SELECT count(*) FROM escalations"), 20);
    EXPECT_EQ(audit_count("messages.escalate"), 20);
}

// --- chains of levels -------------------------------------------------------------------------

TEST_F(EscalationPlanner, AThreeLevelChainFiresLevelOneTwoAndThreeAtTheirTimesAndNotBefore) {
    TestUser erin = user("erin.manager", "compliance_officer");
    // After 2 minutes the backup, 5 minutes later the primary, 10 minutes later the role.
    chain({{120, backup()}, {300, primary()}, {600, role("compliance_officer")}});
    backup_shift(dave_, t0_ - 60 * kMinute, t0_ + 60 * kMinute);
    shift(carol_, "primary", t0_ - 60 * kMinute, t0_ + 60 * kMinute);
    const auto seq = message(2, t0_);

    EXPECT_TRUE(plan(t0_ + 2 * kMinute - 1000).empty()) << "level 1 not before 2 minutes";
    const std::int64_t t1 = t0_ + 2 * kMinute + 500;
    auto due = plan(t1);
    ASSERT_EQ(due.size(), 1u);
    EXPECT_EQ(due[0].seq, seq);
    EXPECT_EQ(due[0].level, 1);
    EXPECT_EQ(due[0].targets, std::vector<std::string>{dave_.id});
    EXPECT_EQ(due[0].escalated_at_ms, t1);

    // Level 2 counts from level 1 firing, not from the send.
    EXPECT_TRUE(plan(t1 + 5 * kMinute - 1000).empty()) << "level 2 not before 5 more minutes";
    const std::int64_t t2 = t1 + 5 * kMinute + 700;
    due = plan(t2);
    ASSERT_EQ(due.size(), 1u);
    EXPECT_EQ(due[0].level, 2);
    EXPECT_EQ(due[0].status, "escalated");
    // carol is on call as primary and a recipient who has not acknowledged: she is told.
    EXPECT_EQ(due[0].targets, std::vector<std::string>{carol_.id});

    EXPECT_TRUE(plan(t2 + 10 * kMinute - 1000).empty()) << "level 3 not before 10 more minutes";
    const std::int64_t t3 = t2 + 10 * kMinute + 300;
    due = plan(t3);
    ASSERT_EQ(due.size(), 1u);
    EXPECT_EQ(due[0].level, 3);
    EXPECT_EQ(due[0].targets, std::vector<std::string>{erin.id});
    EXPECT_EQ(due[0].escalated_at_ms, t3);

    // The chain is over: nothing fires again, each level was recorded and audited once.
    EXPECT_TRUE(plan(t3 + 60 * kMinute).empty());
    EXPECT_EQ(count("SELECT count(*) FROM escalations"), 3);
    EXPECT_EQ(
        count("SELECT count(*) FROM escalations WHERE level = 1 AND escalated_at = " + at(t1)), 1);
    EXPECT_EQ(audit_count("messages.escalate", "success"), 3);
    for (int level = 1; level <= 3; ++level)
        EXPECT_EQ(count("SELECT count(*) FROM audit_records WHERE action = 'messages.escalate' "
                        "AND (details::jsonb ->> 'level')::int = " +
                        std::to_string(level) +
                        " AND (details::jsonb ->> 'seq')::int = " + std::to_string(seq)),
                  1)
            << "level " << level << " is audited with its level";
}

TEST_F(EscalationPlanner, WhenEveryRecipientAcknowledgesAfterLevelOneNoFurtherLevelFires) {
    chain({{60, backup()}, {60, role("physician")}, {60, role("nurse")}});
    backup_shift(dave_, t0_ - 60 * kMinute, t0_ + 60 * kMinute);
    const auto seq = message(2, t0_);
    const auto first = plan(t0_ + 2 * kMinute);
    ASSERT_EQ(first.size(), 1u);
    EXPECT_EQ(first[0].level, 1);
    acknowledge(seq, bob_);
    acknowledge(seq, carol_);
    EXPECT_TRUE(plan(t0_ + 10 * kMinute).empty());
    EXPECT_TRUE(plan(t0_ + 60 * kMinute).empty());
    EXPECT_EQ(count("SELECT count(*) FROM escalations"), 1);
    EXPECT_EQ(audit_count("messages.escalate"), 1);
}

TEST_F(EscalationPlanner, TargetMissingAtLevelOneThenLevelTwoReachesTheRole) {
    // Nobody is on call as backup; level 2 names the nurses.
    chain({{60, backup()}, {120, role("nurse")}});
    const auto seq = message(2, t0_);
    const std::int64_t t1 = t0_ + kMinute + 100;
    auto due = plan(t1);
    ASSERT_EQ(due.size(), 1u);
    EXPECT_EQ(due[0].level, 1);
    EXPECT_EQ(due[0].status, "target_missing");
    EXPECT_TRUE(due[0].targets.empty());
    EXPECT_EQ(due[0].sender_user_id, alice_.id) << "the sender is told";
    EXPECT_EQ(audit_count("messages.escalate", "failure"), 1);
    // bob acknowledged: he is a nurse but is not told again; carol still has to.
    acknowledge(seq, bob_);
    EXPECT_TRUE(plan(t1 + 2 * kMinute - 1000).empty());
    due = plan(t1 + 2 * kMinute + 100);
    ASSERT_EQ(due.size(), 1u);
    EXPECT_EQ(due[0].level, 2);
    EXPECT_EQ(due[0].status, "escalated");
    EXPECT_EQ(due[0].targets, std::vector<std::string>{carol_.id});
    EXPECT_EQ(due[0].pending_users, std::vector<std::string>{carol_.id});
    EXPECT_EQ(audit_count("messages.escalate", "success"), 1);
}

TEST_F(EscalationPlanner, ALevelWhoseTargetsAllAcknowledgedIsTargetMissingAndTheChainGoesOn) {
    // Level 1: the nurses, both recipients; bob acknowledges, carol is pending, so carol is
    // told. Level 2: bob again (backup) who acknowledged: nobody to tell. Level 3: dave.
    chain({{60, role("nurse")}, {60, backup()}, {60, primary()}});
    backup_shift(bob_, t0_ - 60 * kMinute, t0_ + 60 * kMinute);
    shift(dave_, "primary", t0_ - 60 * kMinute, t0_ + 60 * kMinute);
    const auto seq = message(2, t0_);
    acknowledge(seq, bob_);
    auto due = plan(t0_ + kMinute + 100);
    ASSERT_EQ(due.size(), 1u);
    EXPECT_EQ(due[0].targets, std::vector<std::string>{carol_.id});
    due = plan(t0_ + 2 * kMinute + 200);
    ASSERT_EQ(due.size(), 1u);
    EXPECT_EQ(due[0].level, 2);
    EXPECT_EQ(due[0].status, "target_missing");
    due = plan(t0_ + 3 * kMinute + 300);
    ASSERT_EQ(due.size(), 1u);
    EXPECT_EQ(due[0].level, 3);
    EXPECT_EQ(due[0].targets, std::vector<std::string>{dave_.id});
}

TEST_F(EscalationPlanner, TwoConcurrentScansRecordEachLevelOfAChainOnce) {
    chain({{60, backup()}, {60, role("physician")}});
    backup_shift(dave_, t0_ - 60 * kMinute, t0_ + 60 * kMinute);
    for (int i = 0; i < 10; ++i) message(2, t0_);
    for (const std::int64_t now : {t0_ + 2 * kMinute, t0_ + 4 * kMinute, t0_ + 6 * kMinute}) {
        auto first = threads_.spawn(plan_escalations(pool_.get(), now, 100));
        auto second = threads_.spawn(plan_escalations(pool_.get(), now, 100));
        auto a = first.get();
        auto b = second.get();
        ASSERT_TRUE(a.has_value());
        ASSERT_TRUE(b.has_value());
        if (now == t0_ + 6 * kMinute)
            EXPECT_EQ(a->size() + b->size(), 0u) << "the chain is over";
        else
            EXPECT_EQ(a->size() + b->size(), 10u);
    }
    EXPECT_EQ(count("SELECT count(*) FROM escalations WHERE level = 1"), 10);
    EXPECT_EQ(count("SELECT count(*) FROM escalations WHERE level = 2"), 10);
    EXPECT_EQ(audit_count("messages.escalate"), 20);
}

// --- through a real server -------------------------------------------------------------------

class EscalationFlow : public StreamFixture {};

TEST_F(EscalationFlow, ACriticalMessageEscalatesToTheBackupOnCallAndTheSenderSeesIt) {
    start_stream({{"messaging.escalation_scan_ms", "200"}});
    TestUser admin_user = enroll("General", "adam.admin", "admin");
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    TestUser dave_user = enroll("General", "dave.backup", "physician");
    auto admin = session(admin_user);
    Client alice = client(alice_user);
    Client bob = client(bob_user);
    auto dave = session(dave_user);
    const std::string conv = group_of(alice, {&bob});
    const auto team =
        ok("oncall.teams.create",
           admin->request("oncall.teams.create", {{"name", "Cardiology"}}))["team"]["id"]
            .get<std::string>();
    owner().exec(
        "INSERT INTO oncall_shifts (org_id, team_id, user_id, role, start_at, end_at) "
        "VALUES ('" +
        org_id(dave_user) + "', '" + team + "', '" + dave_user.id +
        "', 'backup', now() - interval '1 hour', now() + interval '1 hour')");
    const auto set =
        ok("escalation_rules.set",
           admin->request(
               "escalation_rules.set",
               {{"conversation_id", conv},
                {"levels",
                 {{{"after_minutes", 0.03}, {"target", "oncall_backup"}, {"team_id", team}}}}}));
    EXPECT_EQ(set["rule"]["levels"][0]["target"], "oncall_backup");
    EXPECT_EQ(audit_count("escalation_rules.set", "success"), 1);

    json body = send_body(alice, conv, "VF on monitor bed 4", "");
    body["priority"] = "critical";
    const auto seq = ok("messages.send", alice.ws->request("messages.send", body))["seq"];
    const auto to_dave = next_event(*dave, "message.escalated")["body"];
    EXPECT_EQ(to_dave["conversation_id"], conv);
    EXPECT_EQ(to_dave["seq"], seq);
    EXPECT_EQ(to_dave["level"], 1);
    EXPECT_EQ(to_dave["status"], "escalated");
    EXPECT_EQ(to_dave["targets"], json({dave_user.id}));
    EXPECT_EQ(to_dave["pending_users"], json({bob_user.id}));
    EXPECT_FALSE(to_dave.contains("message")) << "no content in an escalation";
    const auto to_alice = next_event(*alice.ws, "message.escalated")["body"];
    EXPECT_EQ(to_alice["seq"], seq);
    const auto receipts =
        ok("receipts.get",
           alice.ws->request("receipts.get", {{"conversation_id", conv}, {"seq", seq}}));
    ASSERT_EQ(receipts["escalations"].size(), 1u);
    EXPECT_EQ(receipts["escalations"][0]["level"], 1);
    EXPECT_EQ(receipts["escalations"][0]["status"], "escalated");
    EXPECT_EQ(receipts["escalations"][0]["targets"], json({dave_user.id}));
    EXPECT_EQ(receipts["members"][0]["acknowledged"], false);
    EXPECT_EQ(audit_count("messages.escalate", "success"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM escalations"), 1);
}

TEST_F(EscalationFlow, EscalationTargetMissingIsRecordedAndToldToTheSender) {
    start_stream({{"messaging.escalation_scan_ms", "200"}});
    TestUser admin_user = enroll("General", "adam.admin", "admin");
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    auto admin = session(admin_user);
    Client alice = client(alice_user);
    Client bob = client(bob_user);
    const std::string conv = group_of(alice, {&bob});
    // No one is on call for this team.
    const auto team = ok("oncall.teams.create",
                         admin->request("oncall.teams.create", {{"name", "Night"}}))["team"]["id"]
                          .get<std::string>();
    ok("escalation_rules.set",
       admin->request(
           "escalation_rules.set",
           {{"levels",
             {{{"after_minutes", 0.02}, {"target", "oncall_backup"}, {"team_id", team}}}}}));
    json body = send_body(alice, conv, "critical K+", "");
    body["priority"] = "critical";
    const auto seq = ok("messages.send", alice.ws->request("messages.send", body))["seq"];
    const auto told = next_event(*alice.ws, "message.escalated")["body"];
    EXPECT_EQ(told["seq"], seq);
    EXPECT_EQ(told["status"], "target_missing");
    EXPECT_EQ(told["targets"], json::array());
    EXPECT_EQ(audit_count("messages.escalate", "failure"), 1);
    EXPECT_EQ(ok("receipts.get",
                 alice.ws->request("receipts.get", {{"conversation_id", conv},
                                                    {"seq", seq}}))["escalations"][0]["status"],
              "target_missing");
}

TEST_F(EscalationFlow, RulesAreForAdminsOfTheirOwnOrganizationAndBadRulesAreRefused) {
    start_stream();
    TestUser admin_user = enroll("General", "adam.admin", "admin");
    TestUser nurse_user = enroll("General", "bob.nurse", "nurse");
    TestUser foreign_admin_user = enroll("Other", "olga.admin", "admin");
    auto admin = session(admin_user);
    auto nurse = session(nurse_user);
    auto foreign_admin = session(foreign_admin_user);
    const std::string conv =
        create_conversation(admin_user, {{&admin_user, "owner"}}, random_group_id());
    const auto team = ok("oncall.teams.create",
                         admin->request("oncall.teams.create", {{"name", "Ward 3"}}))["team"]["id"]
                          .get<std::string>();
    const auto foreign_team =
        ok("oncall.teams.create",
           foreign_admin->request("oncall.teams.create", {{"name", "Ward 3"}}))["team"]["id"]
            .get<std::string>();
    const json role_level{{"after_minutes", 5}, {"target", "role"}, {"role", "physician"}};
    const json good{{"conversation_id", conv},
                    {"levels",
                     {{{"after_minutes", 2}, {"target", "oncall_backup"}, {"team_id", team}},
                      {{"after_minutes", 5}, {"target", "oncall_primary"}, {"team_id", team}},
                      role_level}}};

    // A nurse has no org.settings: refused, audited, nothing stored.
    EXPECT_EQ(code(nurse->request("escalation_rules.set", good)), "forbidden");
    EXPECT_EQ(code(nurse->request("escalation_rules.list")), "forbidden");
    EXPECT_EQ(count("SELECT count(*) FROM audit_records WHERE action = 'authz.denied' "
                    "AND target_id = 'escalation_rules.set' AND actor_id = '" +
                    nurse_user.id + "'"),
              1);
    // Another organization's admin cannot name this organization's conversation or team.
    EXPECT_EQ(code(foreign_admin->request("escalation_rules.set", good)), "not_found");
    EXPECT_EQ(count("SELECT count(*) FROM escalation_rules"), 0);

    auto with_levels = [](json levels) { return json{{"levels", std::move(levels)}}; };
    const std::vector<json> bad{
        with_levels(json::array()),  // 0 levels
        with_levels(json::array(
            {role_level, role_level, role_level, role_level, role_level, role_level})),  // 6 levels
        json::object(),           // no levels
        with_levels(role_level),  // not an array
        with_levels({{{"after_minutes", 0.001}, {"target", "role"}, {"role", "physician"}}}),
        with_levels({{{"after_minutes", 2000}, {"target", "role"}, {"role", "physician"}}}),
        with_levels({role_level, {{"after_minutes", -1}, {"target", "role"}, {"role", "nurse"}}}),
        with_levels({{{"after_minutes", "5"}, {"target", "role"}, {"role", "physician"}}}),
        with_levels({{{"after_minutes", 5}, {"target", "pager"}, {"role", "physician"}}}),
        with_levels({{{"after_minutes", 5}, {"target", "role"}}}),
        with_levels({{{"after_minutes", 5}, {"target", "oncall_backup"}, {"role", "physician"}}}),
        with_levels({{{"after_minutes", 5}, {"target", "oncall_primary"}}}),
        // A team for a role target, a role for a team target.
        with_levels(
            {role_level,
             {{"after_minutes", 5}, {"target", "role"}, {"role", "nurse"}, {"team_id", team}}}),
        with_levels({{{"after_minutes", 5},
                      {"target", "oncall_primary"},
                      {"team_id", team},
                      {"role", "nurse"}}}),
        with_levels({{{"after_minutes", 5}, {"target", "oncall_backup"}, {"team_id", "x"}}}),
        with_levels({{{"after_minutes", 5},
                      {"target", "oncall_backup"},
                      {"team_id", std::string(36, 'z')}}}),
        with_levels({{{"after_minutes", 5}, {"target", "role"}, {"role", "physician"}, {"x", 1}}}),
        {{"levels", {role_level}}, {"after_minutes", 5}},  // the old one-level shape is gone
        {{"conversation_id", std::string(36, 'z')}, {"levels", {role_level}}},
    };
    for (const auto& b : bad)
        EXPECT_EQ(code(admin->request("escalation_rules.set", b)), "bad_request") << b.dump();
    // Unknown, or another organization's, team or role at any level: not_found.
    const std::vector<json> unknown{
        with_levels({{{"after_minutes", 5}, {"target", "role"}, {"role", "no-such-role"}}}),
        with_levels({{{"after_minutes", 5}, {"target", "oncall_backup"}, {"team_id", new_uuid()}}}),
        with_levels(
            {role_level,
             {{"after_minutes", 5}, {"target", "oncall_primary"}, {"team_id", foreign_team}}}),
    };
    for (const auto& u : unknown)
        EXPECT_EQ(code(admin->request("escalation_rules.set", u)), "not_found") << u.dump();
    EXPECT_EQ(count("SELECT count(*) FROM escalation_rules"), 0);
    EXPECT_EQ(count("SELECT count(*) FROM escalation_levels"), 0);
    EXPECT_EQ(audit_count("escalation_rules.set"), 0);
    EXPECT_EQ(admin->request("system.ping").value("status", ""), "ok") << "the connection lives";

    const auto rule =
        ok("escalation_rules.set", admin->request("escalation_rules.set", good))["rule"];
    ASSERT_EQ(rule["levels"].size(), 3u);
    EXPECT_DOUBLE_EQ(rule["levels"][0]["after_minutes"].get<double>(), 2.0);
    EXPECT_EQ(rule["levels"][1]["target"], "oncall_primary");
    EXPECT_EQ(rule["levels"][2]["role"], "physician");
    // The same scope is replaced, not duplicated, and so are its levels.
    json shorter{{"conversation_id", conv}, {"levels", {role_level}}};
    shorter["levels"][0]["after_minutes"] = 0.5;
    ok("escalation_rules.set", admin->request("escalation_rules.set", shorter));
    const auto listed =
        ok("escalation_rules.list", admin->request("escalation_rules.list"))["rules"];
    ASSERT_EQ(listed.size(), 1u);
    ASSERT_EQ(listed[0]["levels"].size(), 1u);
    EXPECT_DOUBLE_EQ(listed[0]["levels"][0]["after_minutes"].get<double>(), 0.5);
    EXPECT_EQ(listed[0]["id"], rule["id"]);
    EXPECT_EQ(count("SELECT count(*) FROM escalation_levels"), 1);
    EXPECT_EQ(ok("escalation_rules.list", foreign_admin->request("escalation_rules.list"))["rules"]
                  .size(),
              0u);
    const std::string id = listed[0]["id"];
    EXPECT_EQ(code(foreign_admin->request("escalation_rules.delete", {{"rule_id", id}})),
              "not_found");
    EXPECT_EQ(count("SELECT count(*) FROM escalation_rules"), 1);
    ok("escalation_rules.delete", admin->request("escalation_rules.delete", {{"rule_id", id}}));
    EXPECT_EQ(count("SELECT count(*) FROM escalation_rules"), 0);
    EXPECT_EQ(count("SELECT count(*) FROM escalation_levels"), 0);
    EXPECT_EQ(audit_count("escalation_rules.delete", "success"), 1);
}

}  // namespace
}  // namespace wardline::test
