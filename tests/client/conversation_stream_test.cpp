// SPDX-License-Identifier: Apache-2.0
// The order in which the MLS engine processes a conversation's stream
// (client-qt/core/conversation_stream.hpp): in seq order whatever order pushes arrive in,
// duplicates and already processed entries dropped, gaps reported, the device's own messages
// passed over, a bounded wait list.
#include "client-qt/core/conversation_stream.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace wardline::test {
namespace {

using client::ConversationStream;
using client::StreamItem;

StreamItem item(std::int64_t seq) {
    StreamItem i;
    i.conversation_id = QStringLiteral("0b0c5b8e-3a52-4f0e-9d59-2f6f7a1d7a10");
    i.seq = seq;
    i.message = QStringLiteral("AAAA");
    return i;
}

std::vector<std::int64_t> taken(ConversationStream& s) {
    std::vector<std::int64_t> out;
    while (auto i = s.take_next()) out.push_back(i->seq);
    return out;
}

TEST(ConversationStream, EntriesAreProcessedInSeqOrderWhateverOrderTheyArriveIn) {
    ConversationStream s;
    s.start_after(0);
    EXPECT_TRUE(s.offer(item(3)));
    EXPECT_TRUE(s.offer(item(2)));
    EXPECT_TRUE(s.has_gap()) << "seq 1 is missing";
    EXPECT_EQ(taken(s), std::vector<std::int64_t>{});
    EXPECT_TRUE(s.offer(item(1)));
    EXPECT_FALSE(s.has_gap());
    EXPECT_EQ(taken(s), (std::vector<std::int64_t>{1, 2, 3}));
    EXPECT_EQ(s.last(), 3);
}

TEST(ConversationStream, DuplicatesAndProcessedEntriesAreDropped) {
    ConversationStream s;
    s.start_after(5);
    EXPECT_FALSE(s.offer(item(5)));
    EXPECT_FALSE(s.offer(item(1)));
    EXPECT_FALSE(s.offer(item(0)));
    EXPECT_FALSE(s.offer(item(-3)));
    EXPECT_TRUE(s.offer(item(6)));
    EXPECT_FALSE(s.offer(item(6)));
    EXPECT_EQ(s.waiting(), 1u);
    EXPECT_EQ(taken(s), std::vector<std::int64_t>{6});
    EXPECT_FALSE(s.offer(item(6)));
}

TEST(ConversationStream, OwnMessagesArePassedOverAndWinOverTheServersCopy) {
    ConversationStream s;
    s.start_after(0);
    s.mark_done(2);
    EXPECT_FALSE(s.offer(item(2))) << "the device's own message is not processed again";
    s.offer(item(1));
    s.offer(item(3));
    EXPECT_EQ(taken(s), (std::vector<std::int64_t>{1, 3}));
    EXPECT_EQ(s.last(), 3);
    // The server's copy first, then the device learns it was its own.
    s.offer(item(4));
    s.mark_done(4);
    EXPECT_EQ(taken(s), std::vector<std::int64_t>{});
    EXPECT_EQ(s.last(), 4);
}

TEST(ConversationStream, BeforeItsStartEntriesWaitAndStartingDropsThoseAlreadyCovered) {
    ConversationStream s;
    EXPECT_FALSE(s.started());
    s.offer(item(4));
    s.offer(item(7));
    s.offer(item(8));
    EXPECT_EQ(taken(s), std::vector<std::int64_t>{}) << "nothing is processed before the start";
    s.start_after(7);  // e.g. a Welcome whose commit is seq 7
    EXPECT_EQ(s.waiting(), 1u);
    EXPECT_EQ(taken(s), std::vector<std::int64_t>{8});
}

TEST(ConversationStream, TheWaitListIsBoundedAndDropsTheHighestEntries) {
    ConversationStream s(3);
    s.start_after(0);
    EXPECT_TRUE(s.offer(item(5)));
    EXPECT_TRUE(s.offer(item(4)));
    EXPECT_TRUE(s.offer(item(3)));
    EXPECT_FALSE(s.offer(item(9))) << "beyond capacity the highest is dropped";
    EXPECT_TRUE(s.offer(item(2)));  // 5 goes instead
    EXPECT_EQ(s.waiting(), 3u);
    s.offer(item(1));
    EXPECT_EQ(taken(s), (std::vector<std::int64_t>{1, 2, 3}));
    EXPECT_TRUE(s.offer(item(5))) << "a later sync brings the dropped ones again";
}

}  // namespace
}  // namespace wardline::test
