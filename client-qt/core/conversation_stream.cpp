// SPDX-License-Identifier: Apache-2.0
#include "client-qt/core/conversation_stream.hpp"

#include <iterator>

namespace wardline::client {

void ConversationStream::start_after(std::int64_t seq) {
    last_ = seq;
    waiting_.erase(waiting_.begin(), waiting_.upper_bound(seq));
}

bool ConversationStream::keep(std::int64_t seq, Slot slot) {
    if (seq < 1 || (last_ && seq <= *last_)) return false;
    const auto [it, inserted] = waiting_.try_emplace(seq, std::move(slot));
    if (!inserted) {
        // The device's own seq wins over a copy of it from the server.
        if (!slot.item) it->second = std::move(slot);
        return false;
    }
    if (waiting_.size() > capacity_) {
        const auto highest = std::prev(waiting_.end());
        const bool dropped_this = highest->first == seq;
        waiting_.erase(highest);
        return !dropped_this;
    }
    return true;
}

bool ConversationStream::offer(StreamItem item) {
    const std::int64_t seq = item.seq;
    return keep(seq, Slot{std::move(item)});
}

void ConversationStream::mark_done(std::int64_t seq) {
    keep(seq, Slot{std::nullopt});
}

std::optional<StreamItem> ConversationStream::take_next() {
    if (!last_) return std::nullopt;
    for (;;) {
        const auto it = waiting_.find(*last_ + 1);
        if (it == waiting_.end()) return std::nullopt;
        last_ = it->first;
        auto slot = std::move(it->second);
        waiting_.erase(it);
        if (slot.item) return std::move(slot.item);
    }
}

bool ConversationStream::has_gap() const noexcept {
    return !waiting_.empty() && (!last_ || waiting_.begin()->first != *last_ + 1);
}

}  // namespace wardline::client
