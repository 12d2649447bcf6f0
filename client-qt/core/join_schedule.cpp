// SPDX-License-Identifier: Apache-2.0
#include "client-qt/core/join_schedule.hpp"

namespace wardline::client {

JoinSchedule::JoinSchedule(JoinRetryOptions options, std::function<void(const QString&)> attempt,
                           QObject* parent)
    : QObject(parent), options_(std::move(options)), attempt_(std::move(attempt)) {
    if (!options_.uniform) options_.uniform = Backoff::system_uniform();
    if (options_.max_attempts < 1) options_.max_attempts = 1;
    if (options_.base.count() <= 0) options_.base = std::chrono::milliseconds(1);
    if (options_.cap < options_.base) options_.cap = options_.base;
}

JoinSchedule::~JoinSchedule() = default;

JoinSchedule::Entry& JoinSchedule::entry(const QString& conversation_id) {
    auto it = entries_.find(conversation_id);
    if (it == entries_.end())
        it = entries_
                 .emplace(
                     conversation_id,
                     Entry{Backoff(options_.base, options_.cap, options_.uniform), nullptr, false})
                 .first;
    return it->second;
}

void JoinSchedule::later(const QString& conversation_id, std::chrono::milliseconds delay) {
    auto& e = entry(conversation_id);
    if (!e.timer) {
        e.timer = std::make_unique<QTimer>();
        e.timer->setSingleShot(true);
        e.timer->setTimerType(Qt::PreciseTimer);  // a retry never comes before its wait is over
        QObject::connect(e.timer.get(), &QTimer::timeout, this,
                         [this, conversation_id] { attempt_(conversation_id); });
    }
    e.timer->start(delay);
}

std::optional<std::chrono::milliseconds> JoinSchedule::failed(const QString& conversation_id) {
    auto& e = entry(conversation_id);
    if (e.gave_up) return std::nullopt;
    if (static_cast<int>(e.backoff.attempts()) + 1 >= options_.max_attempts) {
        e.backoff.next();  // counts the failure
        e.gave_up = true;
        if (e.timer) e.timer->stop();
        return std::nullopt;
    }
    const auto delay = e.backoff.next();
    later(conversation_id, delay);
    return delay;
}

void JoinSchedule::drop(std::map<QString, Entry>::iterator it) {
    // This may run inside the timer's own timeout: it goes once control is back in the loop.
    if (it->second.timer) {
        it->second.timer->stop();
        it->second.timer.release()->deleteLater();
    }
    entries_.erase(it);
}

void JoinSchedule::forget(const QString& conversation_id) {
    const auto it = entries_.find(conversation_id);
    if (it != entries_.end()) drop(it);
}

void JoinSchedule::rearm(const QString& conversation_id) {
    const auto it = entries_.find(conversation_id);
    if (it != entries_.end() && it->second.gave_up) drop(it);
}

bool JoinSchedule::waiting(const QString& conversation_id) const {
    const auto it = entries_.find(conversation_id);
    return it != entries_.end() && it->second.timer && it->second.timer->isActive();
}

bool JoinSchedule::gave_up(const QString& conversation_id) const {
    const auto it = entries_.find(conversation_id);
    return it != entries_.end() && it->second.gave_up;
}

int JoinSchedule::failures(const QString& conversation_id) const {
    const auto it = entries_.find(conversation_id);
    return it == entries_.end() ? 0 : static_cast<int>(it->second.backoff.attempts());
}

}  // namespace wardline::client
