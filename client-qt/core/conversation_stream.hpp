// SPDX-License-Identifier: Apache-2.0
#pragma once
// The order in which one conversation's stream entries are processed. The server numbers each
// conversation's entries 1, 2, 3, ... (seq), but pushes may arrive out of order, twice, or not
// at all (docs/protocol.md, message.new): entries wait here until every smaller seq has been
// processed, duplicates and entries at or below the processed position are dropped, and a gap
// is reported so the caller fetches it with messages.sync. The device's own messages, which the
// server does not push back, are marked done by their seq. Before the position is known (a
// conversation this device has not joined yet) entries are only kept. At most `capacity`
// entries wait; beyond that the highest ones are dropped (a later sync brings them again).
#include "client-qt/core/stream_item.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>

namespace wardline::client {

class ConversationStream {
public:
    explicit ConversationStream(std::size_t capacity = 5000) : capacity_(capacity) {}

    /// Everything up to and including `seq` is processed (a join, a restored state): waiting
    /// entries at or below it are dropped.
    void start_after(std::int64_t seq);
    [[nodiscard]] bool started() const noexcept { return last_.has_value(); }
    /// The last processed seq; 0 before start_after.
    [[nodiscard]] std::int64_t last() const noexcept { return last_.value_or(0); }

    /// Keeps an entry for processing. False if it was dropped (a duplicate, already processed,
    /// or beyond capacity).
    bool offer(StreamItem item);
    /// The device's own message with this seq counts as processed once its turn comes.
    void mark_done(std::int64_t seq);

    /// The entry whose turn it is (seq last + 1), which then counts as processed; own messages
    /// marked done are passed over. nullopt when the next entry is not here.
    std::optional<StreamItem> take_next();

    /// Entries are waiting, but not the next one: a sync must fill the gap.
    [[nodiscard]] bool has_gap() const noexcept;
    [[nodiscard]] std::size_t waiting() const noexcept { return waiting_.size(); }

private:
    struct Slot {
        std::optional<StreamItem> item;  ///< nullopt: the device's own, done already
    };
    bool keep(std::int64_t seq, Slot slot);

    std::size_t capacity_;
    std::optional<std::int64_t> last_;
    std::map<std::int64_t, Slot> waiting_;
};

}  // namespace wardline::client
