// SPDX-License-Identifier: Apache-2.0
// Activity metrics (issue #7; docs/admin-guide.md, "Activity metrics"): reports.metrics and
// `wardlinectl report` against a real server and PostgreSQL. The history is written with known
// times through the owner connection (messages, reads, acknowledgements, an escalation), so
// every count, median and percentile is checked exactly; the read times themselves are
// recorded by messages.read, checked through real MLS messages.
#include "tests/integration/messaging/stream_fixture.hpp"
#include "tests/support/pg_cluster.hpp"

#include <algorithm>
#include <sstream>

namespace wardline::test {
namespace {

using nlohmann::json;

class MetricsReport : public StreamFixture {
protected:
    void exec(const std::string& sql) { owner().exec(sql); }
    void set_unit(const TestUser& u, const std::string& unit) {
        exec("UPDATE users SET department = '" + unit + "' WHERE id = '" + u.id + "'");
    }
    /// An application message at `at` (an SQL timestamptz literal, UTC).
    void message(const std::string& conv, int seq, const TestUser& sender, int priority,
                 const std::string& at) {
        exec(
            "INSERT INTO messages (conversation_id, seq, org_id, kind, sender_user_id, "
            "client_msg_id, priority, epoch, body_sealed, created_at) SELECT id, " +
            std::to_string(seq) + ", org_id, 'application', '" + sender.id +
            "', gen_random_uuid(), " + std::to_string(priority) + ", 0, '\\x00', '" + at +
            "+00' FROM conversations WHERE id = '" + conv + "'");
    }
    void read(const std::string& conv, int seq, const TestUser& u, const std::string& at) {
        exec("INSERT INTO message_reads VALUES ('" + conv + "', " + std::to_string(seq) + ", '" +
             u.id + "', '" + at + "+00')");
    }
    void ack(const std::string& conv, int seq, const TestUser& u, const std::string& at) {
        exec("INSERT INTO message_acks VALUES ('" + conv + "', " + std::to_string(seq) + ", '" +
             u.id + "', '" + at + "+00')");
    }
    json metrics(WsClient& ws, json body) { return ws.request("reports.metrics", body); }
    static const json& day(const json& report, const std::string& date) {
        for (const auto& d : report["days"])
            if (d["date"] == date) return d;
        throw std::runtime_error("no day " + date);
    }
    static const json& unit(const json& report, const std::string& name) {
        for (const auto& u : report["units"])
            if (u["unit"] == name) return u;
        throw std::runtime_error("no unit " + name);
    }

    /// Alice (Cardiology), Bob and Carol (ICU) in General; a direct conversation of Alice and
    /// Bob on 2 March and a group of the three on 3 March; another organization's message
    /// on 2 March that no report of General may count.
    void history() {
        start_stream();
        alice = enroll("General", "alice.physician", "physician");
        bob = enroll("General", "bob.nurse", "nurse");
        carol = enroll("General", "carol.nurse", "nurse");
        admin = enroll("General", "ada.admin", "admin");
        create_org("Elsewhere");
        stranger = enroll("Elsewhere", "eve.physician", "physician");
        set_unit(alice, "Cardiology");
        set_unit(bob, "ICU");
        set_unit(carol, "ICU");
        direct = create_conversation(alice, {{&bob, "member"}}, random_group_id());
        group =
            create_conversation(bob, {{&alice, "member"}, {&carol, "member"}}, random_group_id());
        const auto other = create_conversation(stranger, {}, random_group_id());
        const auto [low, high] = std::minmax(alice.id, bob.id);
        exec("UPDATE conversations SET kind = 'direct', direct_low = '" + low +
             "', direct_high = '" + high + "' WHERE id = '" + direct + "'");
        message(direct, 1, alice, 0, "2026-03-02 10:00:00");
        message(direct, 2, alice, 0, "2026-03-02 10:05:00");
        message(direct, 3, alice, 1, "2026-03-02 11:00:00");  // urgent
        read(direct, 3, bob, "2026-03-02 11:01:00");          // 60 s
        ack(direct, 3, bob, "2026-03-02 11:02:00");           // 120 s
        message(group, 1, bob, 2, "2026-03-03 09:00:00");     // critical
        read(group, 1, alice, "2026-03-03 09:00:30");         // 30 s
        read(group, 1, carol, "2026-03-03 09:01:30");         // 90 s
        ack(group, 1, alice, "2026-03-03 09:05:00");          // 300 s
        ack(group, 1, carol, "2026-03-03 09:10:00");          // 600 s
        // 02:00 UTC on 3 March is still 2 March in New York.
        message(group, 2, carol, 0, "2026-03-03 02:00:00");
        exec(
            "INSERT INTO escalations (conversation_id, seq, org_id, status, targets, "
            "pending_users, escalated_at, level) SELECT id, 1, org_id, 'escalated', '{}', '{}', "
            "'2026-03-03 09:10:00+00', 1 FROM conversations WHERE id = '" +
            group + "'");
        message(other, 1, stranger, 2, "2026-03-02 12:00:00");
    }

    TestUser alice, bob, carol, admin, stranger;
    std::string direct, group;
};

TEST_F(MetricsReport, CountsMessagesTimesAndEscalationsPerDayPriorityAndUnitFromMetadata) {
    history();
    auto ws = session(admin);
    const auto audited = audit_count("reports.metrics");
    const json r =
        ok("reports.metrics", metrics(*ws, {{"from", "2026-03-01"}, {"to", "2026-03-04"}}));
    EXPECT_EQ(audit_count("reports.metrics"), audited + 1);
    ASSERT_EQ(r["days"].size(), 4u) << r.dump();
    EXPECT_EQ(r["time_zone"], "UTC");
    for (const char* empty : {"2026-03-01", "2026-03-04"}) {
        EXPECT_EQ(day(r, empty)["messages"], 0) << empty;
        EXPECT_EQ(day(r, empty)["active_users"], 0) << empty;
    }
    const auto& d2 = day(r, "2026-03-02");
    EXPECT_EQ(d2["messages"], 3);  // not the other organization's
    EXPECT_EQ(d2["by_kind"], json({{"direct", 3}}));
    EXPECT_EQ(d2["by_priority"], json({{"routine", 2}, {"urgent", 1}, {"critical", 0}}));
    EXPECT_EQ(d2["active_users"], 1);
    EXPECT_EQ(d2["escalations"], 0);
    const auto& d3 = day(r, "2026-03-03");
    EXPECT_EQ(d3["messages"], 2);
    EXPECT_EQ(d3["by_kind"], json({{"group", 2}}));
    EXPECT_EQ(d3["by_priority"], json({{"routine", 1}, {"urgent", 0}, {"critical", 1}}));
    EXPECT_EQ(d3["active_users"], 2);
    EXPECT_EQ(d3["escalations"], 1);

    const auto& urgent = r["response"]["urgent"];
    EXPECT_EQ(urgent["messages"], 1);
    EXPECT_EQ(urgent["read"], json({{"count", 1}, {"median_s", 60.0}, {"p90_s", 60.0}}));
    EXPECT_EQ(urgent["acknowledged"], json({{"count", 1}, {"median_s", 120.0}, {"p90_s", 120.0}}));
    EXPECT_EQ(urgent["escalated_messages"], 0);
    EXPECT_DOUBLE_EQ(urgent["escalation_rate"].get<double>(), 0.0);
    const auto& critical = r["response"]["critical"];
    EXPECT_EQ(critical["messages"], 1);
    // Continuous percentiles: the median of 30 and 90 s is 60, the 90th 84.
    EXPECT_EQ(critical["read"], json({{"count", 2}, {"median_s", 60.0}, {"p90_s", 84.0}}));
    EXPECT_EQ(critical["acknowledged"],
              json({{"count", 2}, {"median_s", 450.0}, {"p90_s", 570.0}}));
    EXPECT_EQ(critical["escalated_messages"], 1);
    EXPECT_DOUBLE_EQ(critical["escalation_rate"].get<double>(), 1.0);

    // Units: messages and escalations by the sender's, times by the reader's.
    const auto& cardiology = unit(r, "Cardiology");
    EXPECT_EQ(cardiology["messages"], 3);
    EXPECT_EQ(cardiology["urgent_critical"], 1);
    EXPECT_EQ(cardiology["active_users"], 1);
    EXPECT_DOUBLE_EQ(cardiology["read_median_s"].get<double>(), 30.0);
    EXPECT_DOUBLE_EQ(cardiology["acknowledged_median_s"].get<double>(), 300.0);
    EXPECT_EQ(cardiology["escalations"], 0);
    const auto& icu = unit(r, "ICU");
    EXPECT_EQ(icu["messages"], 2);
    EXPECT_EQ(icu["active_users"], 2);
    EXPECT_DOUBLE_EQ(icu["read_median_s"].get<double>(), 75.0);
    EXPECT_DOUBLE_EQ(icu["acknowledged_median_s"].get<double>(), 360.0);
    EXPECT_EQ(icu["escalations"], 1);

    // One unit only.
    const json only_icu =
        ok("reports.metrics",
           metrics(*ws, {{"from", "2026-03-01"}, {"to", "2026-03-04"}, {"unit", "ICU"}}));
    EXPECT_EQ(day(only_icu, "2026-03-02")["messages"], 0);
    EXPECT_EQ(day(only_icu, "2026-03-03")["messages"], 2);
    EXPECT_EQ(only_icu["response"]["critical"]["read"]["count"], 1);  // Carol's, not Alice's
    ASSERT_EQ(only_icu["units"].size(), 1u) << only_icu.dump();
    EXPECT_EQ(only_icu["unit"], "ICU");

    // Days of another time zone: Carol's 02:00 UTC message falls on 2 March in New York.
    const json ny = ok("reports.metrics", metrics(*ws, {{"from", "2026-03-02"},
                                                        {"to", "2026-03-03"},
                                                        {"time_zone", "America/New_York"}}));
    EXPECT_EQ(day(ny, "2026-03-02")["messages"], 4);
    EXPECT_EQ(day(ny, "2026-03-03")["messages"], 1);

    // A range without anything: no times at all, so none are given.
    const json quiet =
        ok("reports.metrics", metrics(*ws, {{"from", "2025-01-01"}, {"to", "2025-01-31"}}));
    EXPECT_EQ(quiet["days"].size(), 31u);
    EXPECT_EQ(quiet["response"]["critical"]["read"], json({{"count", 0}}));
    EXPECT_FALSE(quiet["response"]["critical"].contains("escalation_rate"));
    EXPECT_TRUE(quiet["units"].empty());
}

TEST_F(MetricsReport, RefusesOtherRolesAndBadRangesAndKeepsServing) {
    history();
    auto nurse = session(bob);
    const json range{{"from", "2026-03-01"}, {"to", "2026-03-04"}};
    EXPECT_EQ(code(metrics(*nurse, range)), "forbidden");
    auto officer = session(enroll("General", "cora.compliance", "compliance_officer"));
    ok("reports.metrics", metrics(*officer, range));
    auto ws = session(admin);
    const auto audited = audit_count("reports.metrics");
    for (const json& bad : {
             json{{"from", "2026-02-30"}, {"to", "2026-03-04"}},  // not a date
             json{{"from", "2026-3-1"}, {"to", "2026-03-04"}},
             json{{"from", "2026-03-05"}, {"to", "2026-03-04"}},  // reversed
             json{{"from", "2025-03-01"}, {"to", "2026-03-04"}},  // over 366 days
             json{{"from", "1999-12-31"}, {"to", "2000-01-01"}},
             json{{"from", 20260301}, {"to", "2026-03-04"}},  // wrong type
             json{{"from", "2026-03-01"}},                    // missing
             json{{"from", "2026-03-01"}, {"to", "2026-03-04"}, {"time_zone", "Mars/Olympus"}},
             json{{"from", "2026-03-01"}, {"to", "2026-03-04"}, {"time_zone", "../etc/passwd"}},
             json{{"from", "2026-03-01"}, {"to", "2026-03-04"}, {"unit", std::string(101, 'u')}},
             json{{"from", "2026-03-01"}, {"to", "2026-03-04"}, {"extra", 1}},
         }) {
        const json r = metrics(*ws, bad);
        EXPECT_EQ(code(r), "bad_request") << bad.dump() << " " << r.dump();
        const std::string message = r["error"].value("message", "");
        EXPECT_EQ(message.find("Olympus"), std::string::npos) << message;
    }
    EXPECT_EQ(audit_count("reports.metrics"), audited);  // refusals compute nothing
    // 366 days is the limit, and the server still answers.
    ok("reports.metrics", metrics(*ws, {{"from", "2025-03-04"}, {"to", "2026-03-04"}}));
}

TEST_F(MetricsReport, ReadReceiptsRecordTheFirstReadOfOthersUrgentAndCriticalMessagesOnly) {
    start_stream();
    TestUser a = enroll("General", "alice.physician", "physician");
    TestUser b = enroll("General", "bob.nurse", "nurse");
    Client a_client = client(a);
    Client b_client = client(b);
    const std::string conv = group_of(a_client, {&b_client});
    const auto send_with = [&](Client& c, const std::string& text, const std::string& priority) {
        json body = send_body(c, conv, text, "");
        body["priority"] = priority;
        return ok("messages.send", c.ws->request("messages.send", body))["seq"].get<std::int64_t>();
    };
    send_with(a_client, "routine note", "routine");
    const auto urgent = send_with(a_client, "call me", "urgent");
    const auto own = send_with(b_client, "on my way", "critical");
    const auto reads = [&](const TestUser& u) {
        return count("SELECT count(*) FROM message_reads WHERE conversation_id = '" + conv +
                     "' AND user_id = '" + u.id + "'");
    };
    ok("messages.read",
       b_client.ws->request("messages.read", {{"conversation_id", conv}, {"seq", own}}));
    EXPECT_EQ(reads(b), 1);  // Alice's urgent message; not the routine one, not his own
    EXPECT_EQ(count("SELECT count(*) FROM message_reads WHERE conversation_id = '" + conv +
                    "' AND seq = " + std::to_string(urgent)),
              1);
    ok("messages.read",
       b_client.ws->request("messages.read", {{"conversation_id", conv}, {"seq", own}}));
    EXPECT_EQ(reads(b), 1);  // a second receipt records nothing again
    ok("messages.read",
       a_client.ws->request("messages.read", {{"conversation_id", conv}, {"seq", own}}));
    EXPECT_EQ(reads(a), 1);  // Bob's critical one only
    // Deleting a message (retention) takes its reads along.
    exec("DELETE FROM messages WHERE conversation_id = '" + conv +
         "' AND seq = " + std::to_string(own));
    EXPECT_EQ(reads(a), 0);
}

TEST_F(MetricsReport, WardlinectlReportPrintsTheSameReportAndRefusesBadInput) {
    history();
    const std::string url;  // ctl() adds the owner's --database-url
    auto r = ctl("report --org General --from 2026-03-01 --to 2026-03-04 --json" + url);
    ASSERT_EQ(r.status, 0) << r.output;
    std::istringstream lines(r.output);
    std::string line, document;
    while (std::getline(lines, line))
        if (line.rfind("{", 0) == 0) document = line;
    const json printed = json::parse(document);
    auto ws = session(admin);
    EXPECT_EQ(printed,
              ok("reports.metrics", metrics(*ws, {{"from", "2026-03-01"}, {"to", "2026-03-04"}})));
    EXPECT_EQ(audit_count("reports.metrics"), 2);  // wardlinectl's run and the request

    r = ctl("report --org General --from 2026-03-01 --to 2026-03-04" + url);
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("2026-03-02"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("Cardiology"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("median 60.0 s, p90 84.0 s"), std::string::npos) << r.output;

    EXPECT_EQ(ctl("report --org Nowhere" + url).status, 3);
    for (const char* bad : {"report --from 2026-03-01", "report --org General --from 2026-13-01",
                            "report --org General --from 2026-03-05 --to 2026-03-01",
                            "report --org General --time-zone Nope/Nope",
                            "report --org General --from", "report --org General extra"}) {
        r = ctl(std::string(bad) + url);
        EXPECT_EQ(r.status, 2) << bad << ": " << r.output;
    }
}

}  // namespace
}  // namespace wardline::test
