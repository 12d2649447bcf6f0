// SPDX-License-Identifier: Apache-2.0
#pragma once
// When the MLS engine tries again to join a conversation by external commit (docs/client.md,
// "End-to-end encryption", "Joining"): after each failed attempt it waits a growing, jittered
// delay (client::Backoff), and after `max_attempts` failures in a row it gives up on that
// conversation until something new re-arms it (a sign-in, the user added again, a commit in
// the conversation's stream). It also holds the short wait before the first attempt after the
// user was added, so that the Welcome of the adding commit is used instead when it comes.
// One timer per conversation; nothing here talks to the server.
#include "client-qt/core/backoff.hpp"

#include <QObject>
#include <QString>
#include <QTimer>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>

namespace wardline::client {

struct JoinRetryOptions {
    std::chrono::milliseconds base{1000};   ///< the first retry waits up to this
    std::chrono::milliseconds cap{60'000};  ///< no retry waits longer
    int max_attempts = 8;                   ///< failures in a row before giving up
    /// After conversation.member_added names this user: the wait for the adding commit's Welcome.
    std::chrono::milliseconds added_grace{2000};
    /// The random source of the jitter; empty: the system's (tests pass a fixed one).
    Backoff::Uniform uniform;
};

class JoinSchedule : public QObject {
    Q_OBJECT
public:
    /// `attempt` is called when a conversation's wait is over.
    JoinSchedule(JoinRetryOptions options, std::function<void(const QString&)> attempt,
                 QObject* parent = nullptr);
    ~JoinSchedule() override;

    /// Calls `attempt` for `conversation_id` after `delay` (replacing a wait already set).
    void later(const QString& conversation_id, std::chrono::milliseconds delay);
    /// An attempt failed: the wait before the next one, which is set; none once `max_attempts`
    /// failed in a row (the conversation is then given up).
    std::optional<std::chrono::milliseconds> failed(const QString& conversation_id);
    /// Joined (or no longer needed): forgets the conversation's failures and wait.
    void forget(const QString& conversation_id);
    /// Gives a given-up conversation its attempts back.
    void rearm(const QString& conversation_id);

    [[nodiscard]] bool waiting(const QString& conversation_id) const;
    [[nodiscard]] bool gave_up(const QString& conversation_id) const;
    [[nodiscard]] int failures(const QString& conversation_id) const;
    [[nodiscard]] const JoinRetryOptions& options() const noexcept { return options_; }

private:
    struct Entry {
        Backoff backoff;
        std::unique_ptr<QTimer> timer;
        bool gave_up = false;
    };
    Entry& entry(const QString& conversation_id);
    void drop(std::map<QString, Entry>::iterator it);

    JoinRetryOptions options_;
    std::function<void(const QString&)> attempt_;
    std::map<QString, Entry> entries_;
};

}  // namespace wardline::client
