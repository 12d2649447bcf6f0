// SPDX-License-Identifier: Apache-2.0
#pragma once
// The client's MLS engine (issue #6; docs/client.md, "End-to-end encryption"): end-to-end
// encryption of every conversation over a signed-in Session, with the server as MLS Delivery
// Service (docs/e2ee.md). It
//  - keeps this device's KeyPackage stock on the server (KeyPackageStock);
//  - creates a conversation's MLS group (with the server as external sender), adds the
//    devices of new members (KeyPackages claimed from the server) and removes members, by
//    commits that it adopts only once the server accepted them (handshake.submit); a commit
//    refused for a stale epoch is retried after the newer handshakes were fetched (sync) and
//    processed;
//  - processes each conversation's stream in seq order (ConversationStream): commits,
//    proposals (the server's external Removes, which it commits), application messages;
//    joins from Welcomes, and by external commit (group_info.get) a conversation this device
//    belongs to but has no state for (listed at sign-in, named in conversation.member_added, or
//    seen in the stream), retrying failed joins with backoff and giving up after a bound
//    (JoinSchedule, joinFailed); publishes a GroupInfo for every group it creates, so that a
//    member's device that could not be added (no KeyPackage yet, or no device yet) can join;
//  - encrypts outgoing messages for messages.send and decrypts incoming ones, emitting
//    messageDecrypted or messageRefused (a typed reason; content is never logged);
//  - saves each conversation's state through GroupStateStore after every change.
// Operations on one conversation run one at a time, in the order they were asked for.
#include "client-qt/core/conversation_stream.hpp"
#include "client-qt/core/engine_messages.hpp"
#include "client-qt/core/group_state_store.hpp"
#include "client-qt/core/join_schedule.hpp"
#include "client-qt/core/key_package_stock.hpp"
#include "client-qt/core/session.hpp"
#include "common/mls/external_sender.hpp"

#include <QJsonObject>
#include <QObject>

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>

namespace wardline::client {

struct GroupEngineOptions {
    KeyPackageStockOptions key_packages;
    /// A commit refused for a stale epoch is retried this many times in all.
    int max_commit_attempts = 5;
    /// Lifetime of the KeyPackages behind this device's own leaves (create, external join).
    std::uint64_t leaf_lifetime_seconds = 60 * 86400;
    /// Messages per messages.sync page.
    int sync_page = 200;
    /// Retries of a failed join by external commit.
    JoinRetryOptions join_retry;
};

class GroupEngine : public QObject {
    Q_OBJECT
public:
    using Done = std::function<void(const OperationResult&)>;

    GroupEngine(ServerConnection& connection, Session& session, const DeviceIdentity& identity,
                GroupStateStore& groups, KeyPackageSecretStore& key_packages,
                GroupEngineOptions options = {}, QObject* parent = nullptr);
    ~GroupEngine() override;

    /// Starts (again) once the session is signed in: KeyPackage stock, the server's external
    /// sender, the saved groups of the user's conversations, a sync, and external joins where
    /// no state is left. Runs by itself on every sign-in and resume of the session.
    void start();
    [[nodiscard]] bool started() const noexcept { return started_; }

    /// conversations.create with `body` (kind, title, members, ...; the engine adds
    /// mls_group_id), then the group with every member's devices (and this user's other
    /// devices). The result names the conversation.
    void create_conversation(QJsonObject body, Done done);
    /// conversations.add_members, then a commit adding every device of those users.
    void add_members(const QString& conversation_id, const QStringList& user_ids, Done done);
    /// conversations.remove_member, then a commit removing the user's devices (or, for this
    /// user, leaving: the state is erased and the server's Remove proposals take the leaves).
    void remove_member(const QString& conversation_id, const QString& user_id, Done done);
    /// A commit with fresh keys for this device's path (post-compromise security).
    void update(const QString& conversation_id, Done done);
    /// Encrypts and sends one message (messages.send); the result carries its seq.
    void send(const QString& conversation_id, const OutgoingMessage& message, Done done);
    /// Fetches what is new (messages.sync) and processes it.
    void sync();

    [[nodiscard]] bool has_group(const QString& conversation_id) const;
    [[nodiscard]] std::optional<std::uint64_t> epoch(const QString& conversation_id) const;
    /// The epoch authenticator (RFC 9420 §8.7): equal on every member in the same epoch.
    [[nodiscard]] QByteArray epoch_authenticator(const QString& conversation_id) const;
    /// Commits that were refused for a stale epoch and retried.
    [[nodiscard]] int stale_retries() const noexcept { return stale_retries_; }
    /// Failed joins by external commit of the conversation in a row (0 once joined).
    [[nodiscard]] int join_failures(const QString& conversation_id) const {
        return joins_->failures(conversation_id);
    }
    KeyPackageStock& key_package_stock() noexcept { return *stock_; }

signals:
    /// start() has synced and looked for conversations without state.
    void ready();
    void messageDecrypted(const wardline::client::DecryptedMessage& message);
    void messageRefused(const wardline::client::MessageRefusal& refusal);
    /// This device became a member: created, welcomed or joined by external commit.
    void joined(const QString& conversation_id, quint64 epoch);
    void epochChanged(const QString& conversation_id, quint64 epoch);
    /// An attempt to join by external commit failed; `failure.retry_in` says when the next one
    /// is, or that the engine gave up (until a sign-in, the user added again or a commit).
    void joinFailed(const wardline::client::JoinFailure& failure);
    /// This device is no longer a member; its state is erased.
    void left(const QString& conversation_id);
    /// The GroupStateStore refused a write: the state lives in memory only.
    void storageFailed(const QString& conversation_id);

private:
    struct Conversation {
        std::optional<mls::Group> group;
        ConversationStream stream;
        bool busy = false;
        std::deque<std::function<void()>> queue;
        int pending_proposals = 0;
        bool commit_queued = false;
        bool joining = false;  ///< a join is under way: its sync, or its attempt queued or running
        bool removed = false;
        bool delivering = false;
        std::int64_t delivered = 0;
    };
    using Finish = std::function<void()>;
    /// What tells the engine that this device should join a conversation it has no state for.
    enum class JoinCause {
        listed,  ///< conversations.list at start-up (right after a sync)
        added,   ///< conversation.member_added named this user
        commit,  ///< a commit in the conversation's stream
        entry,   ///< any other entry in its stream (does not re-arm a given-up join)
        lost,    ///< a Welcome that cannot be used, or state that can no longer follow the group
    };
    using MakeProposals =
        std::function<std::optional<std::vector<mls::Proposal>>(const mls::Group&)>;
    struct ClaimedDevice {
        QString user_id;
        QString device_id;
        mls::KeyPackage key_package;
    };

    // Requests whose answer is dropped if the engine is gone by then.
    void call(const QString& type, const QJsonObject& body,
              std::function<void(const ServerResponse&)> done);
    mls::GroupConfig group_config() const;
    Conversation& at(const QString& conversation_id) { return conversations_[conversation_id]; }

    // Start-up.
    void list_conversations(const QString& after, std::function<void()> then);
    void restore(const QString& conversation_id);
    void fetch_external_sender(std::function<void(bool)> then);

    // One operation at a time per conversation.
    void exclusive(const QString& conversation_id, std::function<void(Finish)> op);
    void release(const QString& conversation_id);

    // Incoming.
    void on_event(const ServerEvent& e);
    void accept_item(StreamItem item);
    void accept_welcome(const WelcomeItem& welcome);
    void drain(const QString& conversation_id, bool owner,
               std::optional<std::int64_t> up_to = std::nullopt);
    void process(const QString& conversation_id, Conversation& c, const StreamItem& item);
    void process_application(const QString& conversation_id, Conversation& c,
                             const StreamItem& item, const mls::MLSMessage& message);
    void process_handshake(const QString& conversation_id, Conversation& c, const StreamItem& item,
                           const mls::MLSMessage& message);
    void refuse(const QString& conversation_id, std::int64_t seq, RefusalReason reason,
                const QString& detail = {});
    void report_delivered(const QString& conversation_id);

    // Sync.
    void sync_pages(std::function<void(bool)> then);
    void sync_page(std::shared_ptr<std::map<QString, std::int64_t>> cursors, bool retried,
                   std::function<void(bool)> then);
    void request_sync();
    void catch_up(const QString& conversation_id, std::optional<std::int64_t> up_to,
                  std::function<void()> then);

    // Membership changes.
    void want_join(const QString& conversation_id, JoinCause cause);
    void join_now(const QString& conversation_id, bool sync_first);
    void join_attempt(const QString& conversation_id, Finish finish);
    void join_failed(const QString& conversation_id, JoinFailureReason reason,
                     const QString& detail);
    void publish_group_info(const QString& conversation_id);
    void commit_in(const QString& conversation_id, MakeProposals make, Done done,
                   QStringList missing = {});
    void commit_attempt(const QString& conversation_id, MakeProposals make, Done done, int attempt,
                        QStringList missing);
    void submit_commit(const QString& conversation_id, QJsonObject body,
                       std::shared_ptr<mls::CommitOutput> out, MakeProposals make, Done done,
                       int attempt, int resends, QStringList missing);
    void commit_pending(const QString& conversation_id);
    void claim_devices(const QString& conversation_id, QStringList user_ids,
                       std::shared_ptr<std::vector<ClaimedDevice>> claimed,
                       std::shared_ptr<QStringList> missing, Done done);
    void add_devices(const QString& conversation_id, const QStringList& user_ids, Done done);
    void send_encrypted(const QString& conversation_id, QJsonObject body, int resends, Done done,
                        Finish finish);

    // State.
    void persist(const QString& conversation_id);
    void forget(const QString& conversation_id);
    void broken(const QString& conversation_id, Conversation& c);

    ServerConnection& connection_;
    Session& session_;
    const DeviceIdentity& identity_;
    GroupStateStore& groups_;
    GroupEngineOptions options_;
    std::unique_ptr<KeyPackageStock> stock_;
    std::unique_ptr<JoinSchedule> joins_;
    std::optional<MlsDevice> device_;
    std::optional<mls::ExternalSender> external_sender_;
    std::map<QString, Conversation> conversations_;
    std::set<QString> listed_;  ///< the user's conversations, as conversations.list named them
    bool starting_ = false;
    bool started_ = false;
    bool sync_in_flight_ = false;
    bool sync_again_ = false;
    int stale_retries_ = 0;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace wardline::client
