// SPDX-License-Identifier: Apache-2.0
// PresenceStore's batched writes against the real database (issue #5; docs/oncall.md
// "Presence"): two nodes write full batches of the same users at the same time, and each user's
// first connection anywhere and last one going is seen by exactly one of them.
#include "server/clinical/presence_store.hpp"
#include "server/storage/pg_pool.hpp"
#include "tests/integration/identity/identity_fixture.hpp"
#include "tests/integration/storage/asio_threads.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

namespace wardline::test {
namespace {

using server::clinical::PresenceStore;
using server::clinical::PresenceTransition;

/// How often `t` is among the transitions seen for one user.
int times(const std::map<PresenceTransition, int>& seen, PresenceTransition t) {
    const auto it = seen.find(t);
    return it == seen.end() ? 0 : it->second;
}

class PresenceStoreBatches : public IdentityFixture {
protected:
    static constexpr int kUsers = static_cast<int>(PresenceStore::kMaxBatch);

    void SetUp() override {
        IdentityFixture::SetUp();
        create_org("General");
        create_user("General", "phil.physician", "physician");
        auto db = owner();
        db.exec(
            "INSERT INTO users (org_id, username, display_name, password_hash, "
            "username_canonical, username_skeleton) "
            "SELECT u.org_id, 'batch-' || g, 'Batch ' || g, u.password_hash, "
            "'batch-' || g, 'batch-' || g FROM users u, generate_series(1, " +
            std::to_string(kUsers) + ") g WHERE u.username = 'phil.physician'");
        const auto ids = db.exec("SELECT id FROM users WHERE username LIKE 'batch-%' ORDER BY id");
        for (int i = 0; i < ids.rows(); ++i) users_.emplace_back(ids.text_or_throw(i, 0));
        server::storage::PgConfig c;
        c.conninfo = database().runtime_conninfo;
        c.password = database().runtime_password;
        c.pool_size = 4;
        pool_ = std::make_unique<server::storage::PgPool>(threads_.executor(), c);
        pool_->start();
        a_ = std::make_unique<PresenceStore>(*pool_, "00000000000000aa", std::chrono::seconds(30));
        b_ = std::make_unique<PresenceStore>(*pool_, "00000000000000bb", std::chrono::seconds(30));
        ASSERT_TRUE(threads_.run(a_->register_node()).has_value());
        ASSERT_TRUE(threads_.run(b_->register_node()).has_value());
    }
    void TearDown() override {
        a_.reset();
        b_.reset();
        pool_.reset();
        IdentityFixture::TearDown();
    }
    std::vector<PresenceStore::ConnectionCount> all(std::size_t count) const {
        std::vector<PresenceStore::ConnectionCount> out;
        for (const auto& u : users_) out.push_back({u, count});
        return out;
    }
    /// Both nodes write `count` for every user at once; how often each transition was seen
    /// per user, over both nodes.
    std::map<std::string, std::map<PresenceTransition, int>> race(std::size_t count) {
        auto first = threads_.spawn(a_->set_connections(all(count)));
        auto second = threads_.spawn(b_->set_connections(all(count)));
        auto ra = first.get();
        auto rb = second.get();
        std::map<std::string, std::map<PresenceTransition, int>> seen;
        EXPECT_TRUE(ra.has_value());
        EXPECT_TRUE(rb.has_value());
        if (!ra || !rb) return seen;
        EXPECT_EQ(ra->size(), users_.size());
        EXPECT_EQ(rb->size(), users_.size());
        for (std::size_t i = 0; i < users_.size(); ++i) {
            ++seen[users_[i]][(*ra)[i]];
            ++seen[users_[i]][(*rb)[i]];
        }
        return seen;
    }

    AsioThreads threads_{2};
    std::unique_ptr<server::storage::PgPool> pool_;
    std::unique_ptr<PresenceStore> a_, b_;
    std::vector<std::string> users_;
};

TEST_F(PresenceStoreBatches, TwoNodesWritingFullBatchesOfTheSameUsersSeeEachTransitionOnce) {
    ASSERT_EQ(users_.size(), PresenceStore::kMaxBatch);
    // A status set earlier is forgotten when the user comes online.
    owner().exec(
        "INSERT INTO presence_statuses (user_id, org_id, status) SELECT id, org_id, "
        "'busy' FROM users WHERE username LIKE 'batch-%'");
    for (const auto& [user, transitions] : race(2)) {
        EXPECT_EQ(times(transitions, PresenceTransition::came_online), 1) << user;
    }
    EXPECT_EQ(count("SELECT count(*) FROM presence_connections WHERE connections = 2"),
              2 * static_cast<long long>(users_.size()));
    EXPECT_EQ(count("SELECT count(*) FROM presence_statuses"), 0);

    // Counts that change but stay above zero change nothing anywhere.
    const auto again = race(1);
    for (const auto& [user, transitions] : again)
        EXPECT_EQ(times(transitions, PresenceTransition::none), 2) << user;

    for (const auto& [user, transitions] : race(0)) {
        EXPECT_EQ(times(transitions, PresenceTransition::went_offline), 1) << user;
    }
    EXPECT_EQ(count("SELECT count(*) FROM presence_connections"), 0);
}

TEST_F(PresenceStoreBatches, ABatchOfANodeThatWasRemovedIsRefusedAndWritesNothing) {
    auto removal = threads_.run(b_->remove_node("00000000000000aa", false));
    ASSERT_TRUE(removal.has_value());
    EXPECT_TRUE(removal->removed);
    auto refused = threads_.run(a_->set_connections(all(1)));
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error(), make_error_code(Errc::not_found));
    EXPECT_EQ(count("SELECT count(*) FROM presence_connections"), 0);
    EXPECT_EQ(threads_.run(a_->set_connections({}))->size(), 0u) << "an empty batch is no query";
}

}  // namespace
}  // namespace wardline::test
