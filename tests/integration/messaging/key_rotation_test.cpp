// SPDX-License-Identifier: Apache-2.0
// At-rest key rotation (issue #5; docs/security.md, "Key management") against a real server:
// rows sealed under key 1, `wardlinectl keys rotate`, SIGHUP, rows under key 2, `keys reseal`
// while the server runs, and every message, title and patient lookup read back through the API.
#include "server/identity/credentials.hpp"
#include "server/identity/sealing_ad.hpp"
#include "server/storage/pg_sync.hpp"
#include "tests/integration/messaging/stream_fixture.hpp"
#include "tests/support/key_package_builder.hpp"
#include "tests/support/pg_cluster.hpp"

#include <sys/stat.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

namespace wardline::test {
namespace {

using nlohmann::json;

class KeyRotation : public StreamFixture {
protected:
    /// The server's keyring file (beside its audit key, as ServerProcess writes them).
    std::string keyring() {
        std::string path = server().audit_key();
        path.replace(path.rfind("audit.key"), std::string("audit.key").size(), "sealing.keyring");
        return path;
    }
    CommandResult keys(const std::string& args) {
        return ctl("keys " + args + " --file " + keyring());
    }
    /// conversations.create of a titled group with `member` (no MLS group needed to read it).
    std::string titled(WsClient& ws, const TestUser& member, const std::string& title) {
        const json body{{"kind", "group"},
                        {"title", title},
                        {"mls_group_id", to_base64(random_group_id())},
                        {"members", {member.id}}};
        return ok("conversations.create",
                  ws.request("conversations.create", body))["conversation"]["id"];
    }
    /// How often the server's log says `text`.
    std::size_t mentions(const std::string& text) {
        const std::string log = server().log();
        std::size_t n = 0;
        for (auto at = log.find(text); at != std::string::npos; at = log.find(text, at + 1)) ++n;
        return n;
    }
    /// SIGHUP, then wait until the server says it reloaded and which key seals.
    void reload(std::uint32_t sealing) {
        const std::string line = "; key " + std::to_string(sealing) + " seals";
        const auto seen = mentions(line);
        ASSERT_EQ(::kill(server().pid(), SIGHUP), 0);
        ASSERT_TRUE(wait_for([&] { return mentions(line) > seen; }, std::chrono::seconds(10)))
            << server().log();
    }
    /// Sealed values under `key` in every sealed column (keys status agrees; this is SQL).
    long long under(int key) {
        const std::string k = std::to_string(key);
        return count(
            "SELECT (SELECT count(*) FROM messages WHERE sealed_key_id(body_sealed) = " + k +
            ") + (SELECT count(*) FROM conversations WHERE sealed_key_id(title_sealed) = " + k +
            ") + (SELECT count(*) FROM conversations WHERE sealed_key_id(patient_sealed) = " + k +
            ") + (SELECT count(*) FROM users WHERE sealed_key_id(totp_secret_sealed) = " + k +
            ") + (SELECT count(*) FROM welcomes WHERE sealed_key_id(welcome_sealed) = " + k +
            ") + (SELECT count(*) FROM group_infos WHERE sealed_key_id(group_info_sealed) = " + k +
            ")");
    }
    std::string make(Client& creator, json body, std::vector<Client*> others) {
        const mls::Bytes gid = random_group_id();
        body["mls_group_id"] = to_base64(gid);
        json members = json::array();
        for (auto* o : others) members.push_back(o->user->id);
        body["members"] = members;
        const json created =
            ok("conversations.create", creator.ws->request("conversations.create", body));
        const std::string id = created["conversation"]["id"];
        form_group(creator, std::move(others), id, gid);
        return id;
    }
    /// Every application message of the device's conversations from messages.sync, decrypted
    /// in order (the server opened every stored body to answer).
    std::vector<std::string> read_all(Client& c) {
        std::vector<std::string> texts;
        json cursors = json::array();
        for (bool more = true; more;) {
            const auto page =
                ok("messages.sync",
                   c.ws->request("messages.sync", {{"cursors", cursors}, {"limit", 100}}));
            for (const auto& m : page["messages"])
                if (m.value("kind", "") == "application") texts.push_back(open(c, m));
            more = page["more"].get<bool>();
            if (!page["cursors"].empty()) cursors = page["cursors"];
        }
        return texts;
    }
    std::string status() {
        const auto r = keys("status");
        EXPECT_EQ(r.status, 0) << r.output;
        return r.output;
    }
};

TEST_F(KeyRotation, RotateReloadResealAndRetireKeepEverythingReadable) {
    start_stream();
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    Client alice = client(alice_user);
    Client bob = client(bob_user);
    const auto patient =
        make(alice,
             {{"kind", "patient"},
              {"title", "Bed 4"},
              {"patient",
               {{"mrn", "MRN-0042"}, {"name", "Jane Example"}, {"date_of_birth", "1950-02-03"}}}},
             {&bob});
    bob.ws->close();  // offline: reads everything later through messages.sync
    std::vector<std::string> sent;
    for (int i = 0; i < 5; ++i) {
        sent.push_back("before rotation " + std::to_string(i));
        ok("messages.send", send(alice, patient, sent.back()));
    }
    EXPECT_EQ(under(2), 0);
    const long long sealed_before = under(1);
    EXPECT_GT(sealed_before, 8);
    EXPECT_NE(status().find("rows under older keys: 0"), std::string::npos);

    const auto rotated = keys("rotate");
    ASSERT_EQ(rotated.status, 0) << rotated.output;
    EXPECT_NE(rotated.output.find("added key 2"), std::string::npos) << rotated.output;
    reload(2);

    for (int i = 0; i < 5; ++i) {
        sent.push_back("after rotation " + std::to_string(i));
        ok("messages.send", send(alice, patient, sent.back()));
    }
    // New rows carry key 2; old rows stay under key 1.
    EXPECT_EQ(count("SELECT count(*) FROM messages WHERE conversation_id = '" + patient +
                    "' AND sealed_key_id(body_sealed) = 2"),
              5);
    const auto group = titled(*alice.ws, bob_user, "Ward round");
    EXPECT_EQ(
        count("SELECT sealed_key_id(title_sealed) FROM conversations WHERE id = '" + group + "'"),
        2);
    EXPECT_EQ(under(1), sealed_before);
    const auto st = status();
    EXPECT_NE(st.find("messages.body_sealed 1 "), std::string::npos) << st;
    EXPECT_NE(st.find("messages.body_sealed 2 5"), std::string::npos) << st;
    EXPECT_EQ(st.find("rows under older keys: 0"), std::string::npos) << st;

    // Everything reads back through the API: titles, the patient lookup, every message.
    const auto check_reads = [&] {
        auto ws = session(alice_user);
        EXPECT_EQ(ok("conversations.get",
                     ws->request("conversations.get", {{"conversation_id", patient}}))["title"],
                  "Bed 4");
        EXPECT_EQ(ok("conversations.get",
                     ws->request("conversations.get", {{"conversation_id", group}}))["title"],
                  "Ward round");
        const auto threads =
            ok("patients.find", ws->request("patients.find", {{"mrn", "mrn0042"}}))["threads"];
        ASSERT_EQ(threads.size(), 1u) << threads.dump();
        EXPECT_EQ(threads[0]["conversation_id"], patient);
        EXPECT_EQ(threads[0]["title"], "Bed 4");
        EXPECT_EQ(threads[0]["patient"]["name"], "Jane Example");
    };
    check_reads();

    // Re-seal in small batches while the server runs; then nothing is under key 1.
    const auto resealed = keys("reseal --batch 3");
    ASSERT_EQ(resealed.status, 0) << resealed.output;
    EXPECT_NE(resealed.output.find("values under older keys: 0"), std::string::npos)
        << resealed.output;
    EXPECT_EQ(under(1), 0);
    EXPECT_NE(status().find("rows under older keys: 0"), std::string::npos);
    check_reads();
    bob.ws = session(bob_user);
    EXPECT_EQ(read_all(bob), sent);  // every body opens, byte for byte

    // A second run finds nothing to do; each run is one audit record.
    const auto again = keys("reseal");
    ASSERT_EQ(again.status, 0) << again.output;
    EXPECT_NE(again.output.find("re-sealed 0 value(s)"), std::string::npos) << again.output;
    EXPECT_EQ(audit_count("keys.reseal", "success"), 2);

    // Key 1 is unused now: retire it, reload, and everything still reads.
    const auto newest = keys("retire --key-id 2");
    EXPECT_EQ(newest.status, 3) << newest.output;
    const auto retired = keys("retire --key-id 1");
    ASSERT_EQ(retired.status, 0) << retired.output;
    EXPECT_EQ(audit_count("keys.retire", "success"), 1);
    reload(2);
    EXPECT_NE(server().log().find("reloaded (1 key(s))"), std::string::npos);
    check_reads();
    // Nothing of the keys or the plaintext reached the output or the log.
    std::ifstream in(keyring());
    std::string line, key_text;
    while (std::getline(in, line))
        if (!line.empty() && line[0] != '#') key_text = line.substr(line.find(' ') + 1);
    ASSERT_FALSE(key_text.empty());
    for (const auto* text : {&rotated.output, &resealed.output, &retired.output})
        EXPECT_EQ(text->find(key_text), std::string::npos);
    EXPECT_EQ(server().log().find(key_text), std::string::npos);
    EXPECT_EQ(server().log().find("MRN-0042"), std::string::npos);
}

// Crypto-shredding (docs/security.md): a copy of a message row taken while key 1 sealed (a
// database backup of that period) opens while key 1 is in the keyring and no longer once
// `keys shred` has removed it, while the live rows, re-sealed, all still read.
TEST_F(KeyRotation, ShredMakesABackupOfAnEndedPeriodUnreadableAndKeepsTheLiveRowsReadable) {
    start_stream();
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    Client alice = client(alice_user);
    Client bob = client(bob_user);
    const auto group = make(alice, {{"kind", "group"}, {"title", "Ward 3"}}, {&bob});
    bob.ws->close();
    std::vector<std::string> sent;
    for (int i = 0; i < 3; ++i) {
        sent.push_back("period one " + std::to_string(i));
        ok("messages.send", send(alice, group, sent.back()));
    }
    // The "backup": one message row as it was stored under key 1.
    const auto seq = count("SELECT max(seq) FROM messages WHERE conversation_id = '" + group + "'");
    std::vector<std::uint8_t> backup;
    {
        auto db = owner();
        const auto r = db.exec_params(
            "SELECT body_sealed FROM messages WHERE conversation_id = $1 AND seq = $2",
            server::storage::PgParams{group, std::to_string(seq)});
        ASSERT_EQ(r.rows(), 1);
        const auto bytes = r.bytea(0, 0);
        backup.assign(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                      reinterpret_cast<const std::uint8_t*>(bytes.data()) + bytes.size());
    }
    const auto opens = [&] {
        const server::identity::Credentials keys(keyring(), 2, 19456u * 1024u, "Wardline");
        return keys.open(backup, server::identity::ad::message(group, seq)).has_value();
    };
    EXPECT_TRUE(opens());

    // Bad input is refused before anything is done.
    for (const char* bad : {"", "--keep-days", "--keep-days -1", "--keep-days x",
                            "--keep-days 36501", "--keep-days 3 --batch 0"}) {
        const auto r = keys(std::string("shred ") + bad);
        EXPECT_EQ(r.status, 2) << bad << ": " << r.output;
    }
    // Key 1 still seals: nothing is due.
    auto r = keys("shred --keep-days 0");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("nothing to shred"), std::string::npos) << r.output;

    ASSERT_EQ(keys("rotate").status, 0);
    reload(2);
    for (int i = 0; i < 2; ++i) {
        sent.push_back("period two " + std::to_string(i));
        ok("messages.send", send(alice, group, sent.back()));
    }
    // Key 1's period ended just now, not 30 days ago: kept.
    r = keys("shred --keep-days 30");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("nothing to shred"), std::string::npos) << r.output;
    EXPECT_TRUE(opens());
    EXPECT_GT(under(1), 0);

    r = keys("shred --keep-days 0 --batch 2");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("shredded key(s) 1 "), std::string::npos) << r.output;
    EXPECT_EQ(under(1), 0);
    EXPECT_FALSE(opens());  // the backup's row: no key opens it any more
    EXPECT_EQ(audit_count("keys.shred", "success"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM sealing_keys_in_use WHERE key_id = 1"), 0);
    reload(2);
    EXPECT_NE(server().log().find("reloaded (1 key(s))"), std::string::npos);
    bob.ws = session(bob_user);
    EXPECT_EQ(read_all(bob), sent);  // the live rows, re-sealed under key 2, all read
    // Nothing more is due; key 2 seals and is never shredded.
    r = keys("shred --keep-days 0");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("nothing to shred"), std::string::npos) << r.output;
    EXPECT_EQ(audit_count("keys.shred"), 1);
}

TEST_F(KeyRotation, ResealWhileTheServerWritesLosesNothing) {
    start_stream();
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    Client alice = client(alice_user);
    Client bob = client(bob_user);
    const auto conv = make(alice, {{"kind", "group"}, {"title", "Night shift"}}, {&bob});
    bob.ws->close();
    std::vector<std::string> sent;
    for (int i = 0; i < 30; ++i) {
        sent.push_back("old " + std::to_string(i));
        ok("messages.send", send(alice, conv, sent.back()));
    }
    ASSERT_EQ(keys("rotate").status, 0);
    reload(2);
    // Batches of one: many short transactions interleave with the server's writes.
    CommandResult resealed;
    std::thread reseal([&] { resealed = keys("reseal --batch 1"); });
    for (int i = 0; i < 30; ++i) {
        sent.push_back("new " + std::to_string(i));
        ok("messages.send", send(alice, conv, sent.back()));
    }
    reseal.join();
    ASSERT_EQ(resealed.status, 0) << resealed.output;
    EXPECT_EQ(under(1), 0);
    EXPECT_EQ(count("SELECT count(*) FROM messages WHERE conversation_id = '" + conv +
                    "' AND kind = 'application'"),
              60);
    bob.ws = session(bob_user);
    EXPECT_EQ(read_all(bob), sent);
}

TEST_F(KeyRotation, ServerRefusesAKeyringThatLostAKeyInUseAndKeepsItsKeysOnABadReload) {
    start_stream();
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    auto ws = session(alice_user);
    const auto before = titled(*ws, bob_user, "Sealed under key 1");
    ASSERT_EQ(keys("rotate").status, 0);
    reload(2);
    ASSERT_TRUE(wait_for(
        [&] { return count("SELECT count(*) FROM sealing_keys_in_use WHERE key_id = 2") == 1; },
        std::chrono::seconds(10)));
    const std::string path = keyring();
    std::string good;
    {
        std::ifstream in(path);
        std::stringstream ss;
        ss << in.rdbuf();
        good = ss.str();
    }
    // A damaged keyring on SIGHUP: refused, the old keys stay, and logins still work.
    {
        std::ofstream(path, std::ios::trunc) << "1 not-a-key\n";
        ASSERT_EQ(::kill(server().pid(), SIGHUP), 0);
        ASSERT_TRUE(
            wait_for([&] { return server().log().find("not reloaded") != std::string::npos; },
                     std::chrono::seconds(10)));
        EXPECT_NE(server().log().find("line 1 is not 'ID BASE64KEY'"), std::string::npos);
        EXPECT_EQ(ok("conversations.get",
                     ws->request("conversations.get", {{"conversation_id", before}}))["title"],
                  "Sealed under key 1");
        const auto after = titled(*ws, bob_user, "Sealed under key 2");
        EXPECT_EQ(count("SELECT sealed_key_id(title_sealed) FROM conversations WHERE id = '" +
                        after + "'"),
                  2);
    }
    ws.reset();
    // The keyring as a backup from before the rotation: key 2 is gone. (A file of the test's:
    // the old server's directory goes with it.)
    ASSERT_EQ(server().stop(), 0);
    char dir[] = "/tmp/wardline-keyring-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    const std::string backup = std::string(dir) + "/sealing.keyring";
    std::ofstream(backup) << good.substr(0, good.find("\n2 ") + 1);
    ::chmod(backup.c_str(), 0600);
    std::map<std::string, std::string> config{{"identity.sealing_keyring_file", backup}};
    std::string log;
    int exit_status = -2;
    try {
        start_server(config);
        ASSERT_TRUE(wait_for([&] { return !server().running(); }, std::chrono::seconds(20)));
        exit_status = server().stop();
        log = server().log();
    } catch (const std::exception& e) {
        log = e.what();  // it stopped before it listened
        exit_status = 1;
    }
    EXPECT_EQ(exit_status, 1);
    EXPECT_NE(log.find("lacks key(s) 2"), std::string::npos) << log;
    std::filesystem::remove_all(dir);
}

TEST_F(KeyRotation, BlindIndexRotationKeepsPatientLookupsWorkingThroughTheReindex) {
    start_stream();
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    auto ws = session(alice_user);
    const auto thread = [&](const std::string& mrn, const std::string& title) {
        const json body{
            {"kind", "patient"},
            {"title", title},
            {"patient", {{"mrn", mrn}, {"name", "Jane Example"}, {"date_of_birth", "1950-02-03"}}},
            {"mls_group_id", to_base64(random_group_id())},
            {"members", {bob_user.id}}};
        return ok("conversations.create",
                  ws->request("conversations.create", body))["conversation"]["id"]
            .get<std::string>();
    };
    const auto find = [&] {
        const json found = ok("patients.find", ws->request("patients.find", {{"mrn", "mrn-7"}}));
        std::set<std::string> ids;
        for (const auto& t : found["threads"]) ids.insert(t["conversation_id"].get<std::string>());
        return ids;
    };
    const auto key_of = [&](const std::string& id) {
        return count("SELECT mrn_index_key_id FROM conversations WHERE id = '" + id + "'");
    };
    const auto first = thread("MRN7", "Admission");
    EXPECT_EQ(key_of(first), 1);
    EXPECT_EQ(find(), (std::set<std::string>{first}));

    std::string blind = server().audit_key();
    blind.replace(blind.rfind("audit.key"), std::string("audit.key").size(), "blind-index.key");
    const auto rotated = ctl("keys rotate-blind-index --blind-index-file " + blind);
    ASSERT_EQ(rotated.status, 0) << rotated.output;
    EXPECT_NE(rotated.output.find("added blind index key 2"), std::string::npos) << rotated.output;
    const std::string line = "blind index keys reloaded; key 2 indexes";
    ASSERT_EQ(::kill(server().pid(), SIGHUP), 0);
    ASSERT_TRUE(wait_for([&] { return mentions(line) > 0; }, std::chrono::seconds(10)))
        << server().log();

    // New threads are indexed under key 2; the lookup finds both, old and new.
    const auto second = thread("mrn 7", "Readmission");
    EXPECT_EQ(key_of(second), 2);
    EXPECT_EQ(key_of(first), 1);
    EXPECT_EQ(find(), (std::set<std::string>{first, second}));

    // Re-index (from the sealed MRN) in batches of one: still both, all under key 2.
    const auto reindexed = keys("reindex --blind-index-file " + blind + " --batch 1");
    ASSERT_EQ(reindexed.status, 0) << reindexed.output;
    EXPECT_NE(reindexed.output.find("re-indexed 1 patient thread(s)"), std::string::npos)
        << reindexed.output;
    EXPECT_EQ(key_of(first), 2);
    EXPECT_EQ(find(), (std::set<std::string>{first, second}));
    const auto again = keys("reindex --blind-index-file " + blind);
    ASSERT_EQ(again.status, 0) << again.output;
    EXPECT_NE(again.output.find("re-indexed 0 patient thread(s)"), std::string::npos);
    EXPECT_NE(status().find("conversations.mrn_index (blind index key) 2 2"), std::string::npos);
    EXPECT_EQ(audit_count("keys.reindex", "success"), 2);
    EXPECT_EQ(server().log().find("MRN7"), std::string::npos);
}

TEST_F(KeyRotation, ReindexWhileTheServerWritesFinishesOnlyWhenNoPatientThreadIsLeft) {
    // The writer below sends as fast as the server acknowledges, for as long as the reindex runs:
    // the per-user send rate and the per-connection request rate must not be what stops it.
    start_stream({{"messaging.send_per_second", "100000"},
                  {"messaging.send_burst", "100000"},
                  {"limits.requests_per_second", "100000"}});
    TestUser alice_user = enroll("General", "alice.physician", "physician");
    TestUser bob_user = enroll("General", "bob.nurse", "nurse");
    Client alice = client(alice_user);
    Client bob = client(bob_user);
    const json patient{{"mrn", "MRN7"}, {"name", "Jane Example"}, {"date_of_birth", "1950-02-03"}};
    // The first thread has an MLS group, so the server stores messages to it (and locks its row
    // for each); the other two only need to be indexed.
    std::vector<std::string> threads{
        make(alice, {{"kind", "patient"}, {"title", "Admission"}, {"patient", patient}}, {&bob})};
    for (int i = 0; i < 2; ++i) {
        const json body{{"kind", "patient"},
                        {"title", "Clinic"},
                        {"patient", patient},
                        {"mls_group_id", to_base64(random_group_id())},
                        {"members", {bob_user.id}}};
        threads.push_back(
            ok("conversations.create",
               alice.ws->request("conversations.create", body))["conversation"]["id"]);
    }
    bob.ws->close();
    std::string blind = server().audit_key();
    blind.replace(blind.rfind("audit.key"), std::string("audit.key").size(), "blind-index.key");
    ASSERT_EQ(ctl("keys rotate-blind-index --blind-index-file " + blind).status, 0);
    ASSERT_EQ(::kill(server().pid(), SIGHUP), 0);
    ASSERT_TRUE(
        wait_for([&] { return mentions("blind index keys reloaded; key 2 indexes") > 0; }, 10s))
        << server().log();
    const auto under_old = [&] {
        return count(
            "SELECT count(*) FROM conversations WHERE mrn_index IS NOT NULL "
            "AND mrn_index_key_id <> 2");
    };
    ASSERT_EQ(under_old(), 3);

    // The first thread's row is held, as the server holds it while it stores a message to it.
    auto holder = owner();
    holder.exec("BEGIN");
    holder.exec("SELECT 1 FROM conversations WHERE id = '" + threads[0] + "' FOR NO KEY UPDATE");
    std::atomic<bool> finished{false};
    CommandResult reindexed;
    std::thread reindex([&] {
        reindexed = keys("reindex --blind-index-file " + blind + " --batch 1");
        finished = true;
    });
    ASSERT_TRUE(wait_for([&] { return under_old() == 1; }, 10s)) << "the other two are taken";
    // A reindex that cannot tell "done" from "skipped" would end here, with the held row left.
    std::this_thread::sleep_for(300ms);
    EXPECT_FALSE(finished) << reindexed.output;
    holder.exec("COMMIT");
    // Released: the server keeps writing to the thread while the reindex tries again between
    // its transactions.
    int sent = 0;
    while (!finished && sent < 500)
        ok("messages.send", send(alice, threads[0], "vitals " + std::to_string(sent++)));
    reindex.join();
    ASSERT_EQ(reindexed.status, 0) << reindexed.output;
    EXPECT_NE(reindexed.output.find("re-indexed 3 patient thread(s)"), std::string::npos)
        << reindexed.output;
    EXPECT_NE(reindexed.output.find("patient threads under older blind index keys: 0"),
              std::string::npos)
        << reindexed.output;
    EXPECT_EQ(under_old(), 0);
    const json found = ok("patients.find", alice.ws->request("patients.find", {{"mrn", "mrn-7"}}));
    EXPECT_EQ(found["threads"].size(), 3u);
    EXPECT_EQ(count("SELECT count(*) FROM messages WHERE kind = 'application'"), sent);
    EXPECT_EQ(audit_count("keys.reindex", "success"), 1);
}

}  // namespace
}  // namespace wardline::test
