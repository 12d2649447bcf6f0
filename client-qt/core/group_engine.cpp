// SPDX-License-Identifier: Apache-2.0
#include "client-qt/core/group_engine.hpp"

#include "client-qt/core/group_record.hpp"
#include "client-qt/core/mls_wire.hpp"
#include "common/mls/leaf_validation.hpp"

#include <QJsonArray>
#include <QLoggingCategory>

#include <sodium.h>

#include <chrono>

namespace wardline::client {
namespace {

Q_LOGGING_CATEGORY(lcEngine, "wardline.mls")

// The protocol's limits on MLSMessages (docs/protocol.md): handshake.submit 47104 bytes,
// messages.send 32768, KeyPackages 4096. Anything larger from the server is refused unread.
constexpr qsizetype kMaxMessageBytes = 47104;
constexpr int kResends = 2;  // after `unavailable` or `timeout`, with the same client_msg_id

const mls::CipherSuite& suite() {
    return *mls::suite_for(mls::kSuite3);
}

OperationResult failure(const QString& conversation_id, const QString& code,
                        const QString& message) {
    OperationResult r;
    r.conversation_id = conversation_id;
    r.error_code = code;
    r.error_message = message;
    return r;
}

OperationResult failure(const QString& conversation_id, const ServerResponse& response) {
    return failure(conversation_id, response.error_code, response.error_message);
}

QString mls_error(mls::Error e) {
    return QString::fromLatin1(mls::to_string(e).data(),
                               static_cast<qsizetype>(mls::to_string(e).size()));
}

bool lost_answer(const ServerResponse& r) {
    return r.error_code == QLatin1String("unavailable") || r.error_code == QLatin1String("timeout");
}

RefusalReason reason_for(mls::Error e) {
    switch (e) {
        case mls::Error::decryption_failed:
        case mls::Error::invalid_padding:
            return RefusalReason::decryption_failed;
        case mls::Error::invalid_signature:
        case mls::Error::invalid_membership_tag:
            return RefusalReason::invalid_signature;
        case mls::Error::generation_expired:
        case mls::Error::generation_too_far:
            return RefusalReason::key_expired;
        case mls::Error::wrong_group:
            return RefusalReason::wrong_group;
        case mls::Error::wrong_epoch:
            return RefusalReason::old_epoch;
        case mls::Error::invalid_sender:
            return RefusalReason::unknown_sender;
        case mls::Error::truncated:
        case mls::Error::invalid_varint:
        case mls::Error::non_minimal_varint:
        case mls::Error::length_too_large:
        case mls::Error::trailing_data:
        case mls::Error::invalid_value:
        case mls::Error::invalid_optional:
        case mls::Error::invalid_wire_format:
            return RefusalReason::malformed;
        default:
            return RefusalReason::decryption_failed;
    }
}

std::uint64_t now_seconds() {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count());
}

}  // namespace

QString to_string(RefusalReason reason) {
    switch (reason) {
        case RefusalReason::malformed:
            return QStringLiteral("malformed");
        case RefusalReason::wrong_group:
            return QStringLiteral("wrong_group");
        case RefusalReason::old_epoch:
            return QStringLiteral("old_epoch");
        case RefusalReason::future_epoch:
            return QStringLiteral("future_epoch");
        case RefusalReason::decryption_failed:
            return QStringLiteral("decryption_failed");
        case RefusalReason::invalid_signature:
            return QStringLiteral("invalid_signature");
        case RefusalReason::key_expired:
            return QStringLiteral("key_expired");
        case RefusalReason::sender_mismatch:
            return QStringLiteral("sender_mismatch");
        case RefusalReason::unknown_sender:
            return QStringLiteral("unknown_sender");
        case RefusalReason::not_a_member:
            return QStringLiteral("not_a_member");
        case RefusalReason::handshake_refused:
            return QStringLiteral("handshake_refused");
        case RefusalReason::welcome_refused:
            return QStringLiteral("welcome_refused");
    }
    return QStringLiteral("unknown");
}

QString to_string(JoinFailureReason reason) {
    switch (reason) {
        case JoinFailureReason::no_group_info:
            return QStringLiteral("no_group_info");
        case JoinFailureReason::unusable_group_info:
            return QStringLiteral("unusable_group_info");
        case JoinFailureReason::group_info_refused:
            return QStringLiteral("group_info_refused");
        case JoinFailureReason::commit_refused:
            return QStringLiteral("commit_refused");
        case JoinFailureReason::request_failed:
            return QStringLiteral("request_failed");
    }
    return QStringLiteral("unknown");
}

GroupEngine::GroupEngine(ServerConnection& connection, Session& session,
                         const DeviceIdentity& identity, GroupStateStore& groups,
                         KeyPackageSecretStore& key_packages, GroupEngineOptions options,
                         QObject* parent)
    : QObject(parent),
      connection_(connection),
      session_(session),
      identity_(identity),
      groups_(groups),
      options_(options),
      stock_(std::make_unique<KeyPackageStock>(connection, key_packages, options.key_packages)) {
    if (options_.max_commit_attempts < 1) options_.max_commit_attempts = 1;
    joins_ = std::make_unique<JoinSchedule>(
        options_.join_retry, [this](const QString& id) { join_now(id, true); }, this);
    QObject::connect(&connection_, &ServerConnection::event, this, &GroupEngine::on_event);
    QObject::connect(&session_, &Session::signedIn, this, [this] { start(); });
}

GroupEngine::~GroupEngine() {
    *alive_ = false;
}

void GroupEngine::call(const QString& type, const QJsonObject& body,
                       std::function<void(const ServerResponse&)> done) {
    std::weak_ptr<bool> alive = alive_;
    connection_.request(type, body, [alive, done = std::move(done)](const ServerResponse& r) {
        if (alive.expired()) return;
        done(r);
    });
}

mls::GroupConfig GroupEngine::group_config() const {
    mls::GroupConfig config;
    // Every leaf must be a Wardline device of this organization. Whether the key is the one
    // the server registered for that device is the server's check (key_packages.upload,
    // handshake.submit); the client has no device list to compare with yet.
    const QString org = device_ ? device_->org_id : QString();
    config.credential_validator = [org](const mls::Credential& credential, mls::ByteView) {
        const auto ids = leaf_ids(credential);
        return ids && ids->org_id == org;
    };
    return config;
}

// ---- Start-up ---------------------------------------------------------------------------

void GroupEngine::start() {
    if (starting_) return;
    const auto& info = session_.info();
    if (session_.step() != Session::Step::signed_in || !info) return;
    if (!device_) {
        device_ = MlsDevice::of(info->organization_id, info->user_id, identity_);
        if (!device_) {
            qCCritical(lcEngine) << "the device identity cannot sign MLS messages";
            return;
        }
    }
    starting_ = true;
    stock_->set_device(*device_);
    stock_->check();
    fetch_external_sender([this](bool) {
        listed_.clear();
        list_conversations({}, [this] {
            sync_pages([this](bool) {
                const std::set<QString> listed = listed_;  // a join may change listed_
                for (const auto& id : listed) {
                    const auto& c = at(id);
                    if (c.group && c.group->epoch() == 0)
                        publish_group_info(id);  // made before groups were always published
                    else if (!c.group && !c.removed)
                        want_join(id, JoinCause::listed);
                }
                starting_ = false;
                started_ = true;
                emit ready();
            });
        });
    });
}

void GroupEngine::fetch_external_sender(std::function<void(bool)> then) {
    if (external_sender_) return then(true);
    call(QStringLiteral("delivery.external_sender"), {},
         [this, then = std::move(then)](const ServerResponse& r) {
             if (!r.ok || r.body.value(QLatin1String("cipher_suite")).toInt() != mls::kSuite3) {
                 qCWarning(lcEngine) << "no external sender from the server:" << r.error_code;
                 return then(false);
             }
             const auto key =
                 decode_base64(r.body.value(QLatin1String("signature_key")).toString(), 32);
             const QString identity = r.body.value(QLatin1String("credential_identity")).toString();
             if (!key || key->size() != 32 || identity.isEmpty()) {
                 qCWarning(lcEngine) << "the server's external sender is malformed";
                 return then(false);
             }
             mls::ExternalSender sender;
             sender.signature_key = to_mls_bytes(*key);
             sender.credential.credential_type = mls::CredentialType::basic;
             const QByteArray text = identity.toUtf8();
             sender.credential.identity = to_mls_bytes(text);
             external_sender_ = std::move(sender);
             then(true);
         });
}

void GroupEngine::list_conversations(const QString& after, std::function<void()> then) {
    QJsonObject body{{QStringLiteral("limit"), 200}};
    if (!after.isEmpty()) body.insert(QStringLiteral("after"), after);
    call(QStringLiteral("conversations.list"), body,
         [this, then = std::move(then)](const ServerResponse& r) {
             if (!r.ok) {
                 qCWarning(lcEngine) << "conversations.list failed:" << r.error_code;
                 return then();
             }
             for (const auto& v : r.body.value(QLatin1String("conversations")).toArray()) {
                 const QString id = v.toObject().value(QLatin1String("id")).toString();
                 if (id.isEmpty()) continue;
                 listed_.insert(id);
                 at(id).removed = false;
                 restore(id);
                 // Pushes that came before the state was loaded wait in the stream.
                 if (at(id).group) drain(id, false);
             }
             const QString next = r.body.value(QLatin1String("next_after")).toString();
             if (!next.isEmpty()) return list_conversations(next, then);
             then();
         });
}

void GroupEngine::restore(const QString& conversation_id) {
    auto& c = at(conversation_id);
    if (c.group) return;
    const auto stored = groups_.load(conversation_id);
    if (!stored) return;
    auto record = decode_group_record(*stored);
    auto group = record ? mls::Group::restore(record->state, group_config())
                        : mls::Result<mls::Group>(mls::Error::invalid_value);
    if (!group) {
        // Unreadable state is as good as none: the device joins again by external commit.
        qCWarning(lcEngine) << "the saved state of" << conversation_id << "is unusable";
        return;
    }
    c.group.emplace(std::move(*group));
    c.stream.start_after(record->last_seq);
    c.delivered = record->last_seq;
    c.removed = false;
}

// ---- One operation at a time ------------------------------------------------------------

void GroupEngine::exclusive(const QString& conversation_id, std::function<void(Finish)> op) {
    auto run = [this, conversation_id, op = std::move(op)] {
        op([this, conversation_id] { release(conversation_id); });
    };
    auto& c = at(conversation_id);
    if (c.busy) {
        c.queue.push_back(std::move(run));
        return;
    }
    c.busy = true;
    run();
}

void GroupEngine::release(const QString& conversation_id) {
    auto& c = at(conversation_id);
    c.busy = false;
    drain(conversation_id, false);
    if (!c.busy && !c.queue.empty()) {
        auto next = std::move(c.queue.front());
        c.queue.pop_front();
        c.busy = true;
        next();
    }
}

// ---- Incoming ---------------------------------------------------------------------------

void GroupEngine::on_event(const ServerEvent& e) {
    if (!device_) return;
    if (e.type == QLatin1String("message.new")) {
        auto item = parse_stream_item(e.body);
        if (!item) {
            qCWarning(lcEngine) << "ignored an unreadable message.new";
            return;
        }
        accept_item(std::move(*item));
    } else if (e.type == QLatin1String("welcome.new")) {
        const auto welcome = parse_welcome_item(e.body);
        if (!welcome) {
            qCWarning(lcEngine) << "ignored an unreadable welcome.new";
            return;
        }
        accept_welcome(*welcome);
    } else if (e.type == QLatin1String("conversation.member_added")) {
        // This user was added (or the conversation made with them): a device that gets no
        // Welcome (it had no KeyPackage then) joins by external commit.
        const QString conversation = e.body.value(QLatin1String("conversation_id")).toString();
        const auto users = e.body.value(QLatin1String("user_ids")).toArray();
        if (conversation.isEmpty() || !users.contains(QJsonValue(device_->user_id))) return;
        listed_.insert(conversation);
        at(conversation).removed = false;
        want_join(conversation, JoinCause::added);
    } else if (e.type == QLatin1String("conversation.member_removed")) {
        const QString conversation = e.body.value(QLatin1String("conversation_id")).toString();
        if (e.body.value(QLatin1String("user_id")).toString() == device_->user_id &&
            conversations_.count(conversation) != 0)
            forget(conversation);
    }
}

void GroupEngine::accept_item(StreamItem item) {
    const QString id = item.conversation_id;
    auto& c = at(id);
    if (c.removed) return;
    // A commit to a group this device is not in: the group moved on, a newer GroupInfo is out.
    if (!c.group && item.kind == StreamItem::Kind::commit) want_join(id, JoinCause::commit);
    c.stream.offer(std::move(item));
    if (!c.busy) drain(id, false);
}

void GroupEngine::drain(const QString& conversation_id, bool owner,
                        std::optional<std::int64_t> up_to) {
    auto& c = at(conversation_id);
    if (!c.group) {
        if (!owner && !c.removed && c.stream.waiting() > 0)
            want_join(conversation_id, JoinCause::entry);
        return;
    }
    const std::int64_t before = c.stream.last();
    while (c.group && (owner || !c.busy)) {
        if (up_to && c.stream.last() >= *up_to) break;
        auto item = c.stream.take_next();
        if (!item) break;
        process(conversation_id, c, *item);
    }
    if (c.group && c.stream.last() != before) persist(conversation_id);
    if (c.stream.has_gap()) request_sync();
    report_delivered(conversation_id);
}

void GroupEngine::process(const QString& conversation_id, Conversation& c, const StreamItem& item) {
    if (item.recalled) return;  // nothing left to decrypt
    const auto message = mls_from_base64(item.message, kMaxMessageBytes);
    if (!message) return refuse(conversation_id, item.seq, RefusalReason::malformed);
    if (item.kind == StreamItem::Kind::application)
        process_application(conversation_id, c, item, *message);
    else
        process_handshake(conversation_id, c, item, *message);
}

void GroupEngine::process_application(const QString& conversation_id, Conversation& c,
                                      const StreamItem& item, const mls::MLSMessage& message) {
    // This device's own messages: their keys were used when they were encrypted.
    if (item.sender_device_id == device_->device_id) return;
    const auto* pm = std::get_if<mls::PrivateMessage>(&message.body);
    if (pm == nullptr || pm->content_type != mls::ContentType::application)
        return refuse(conversation_id, item.seq, RefusalReason::malformed, "not a PrivateMessage");
    // An older epoch's message is read while the group still keeps that epoch's keys
    // (mls::GroupConfig::past_epochs_kept), and refused as old_epoch after.
    if (pm->epoch > c.group->epoch())
        return refuse(conversation_id, item.seq, RefusalReason::future_epoch);
    auto processed = c.group->process(message);
    if (!processed)
        return refuse(conversation_id, item.seq, reason_for(processed.error()),
                      mls_error(processed.error()));
    const auto* app = std::get_if<mls::ApplicationMessage>(&*processed);
    if (app == nullptr)
        return refuse(conversation_id, item.seq, RefusalReason::malformed, "not application data");
    // The credential of the sender's leaf in the message's epoch: it may have left since.
    const auto ids = leaf_ids(app->credential);
    if (!ids) return refuse(conversation_id, item.seq, RefusalReason::unknown_sender);
    // The server names the sending session's user and device; the MLS signature names the
    // leaf. Both must agree, or one of them is lying.
    if (ids->user_id != item.sender_user_id || ids->device_id != item.sender_device_id)
        return refuse(conversation_id, item.seq, RefusalReason::sender_mismatch);
    DecryptedMessage m;
    m.conversation_id = conversation_id;
    m.seq = item.seq;
    m.epoch = pm->epoch;
    m.sender_user_id = ids->user_id;
    m.sender_device_id = ids->device_id;
    m.plaintext = to_qbytes(app->data);
    m.client_msg_id = item.client_msg_id;
    m.priority = item.priority;
    m.created_at_ms = item.created_at_ms;
    m.reply_to = item.reply_to;
    emit messageDecrypted(m);
}

void GroupEngine::process_handshake(const QString& conversation_id, Conversation& c,
                                    const StreamItem& item, const mls::MLSMessage& message) {
    const auto* pub = std::get_if<mls::PublicMessage>(&message.body);
    if (pub == nullptr)
        return refuse(conversation_id, item.seq, RefusalReason::malformed, "not a PublicMessage");
    const std::uint64_t epoch = pub->content.epoch;
    // Processed already: this device's own commit, or an entry seen before a restart.
    if (epoch < c.group->epoch()) return;
    if (item.sender_device_id == device_->device_id) {
        if (item.kind == StreamItem::Kind::commit) {
            // A commit of this device that it never adopted (its answer was lost and the
            // device restarted): the group went on without this state.
            qCWarning(lcEngine) << "own commit at" << conversation_id << "seq" << item.seq
                                << "was never adopted; joining again";
            broken(conversation_id, c);
        }
        return;
    }
    if (epoch > c.group->epoch()) {
        refuse(conversation_id, item.seq, RefusalReason::future_epoch);
        return broken(conversation_id, c);
    }
    auto processed = c.group->process(message);
    if (!processed) {
        refuse(conversation_id, item.seq, RefusalReason::handshake_refused,
               mls_error(processed.error()));
        // A proposal the group refused changes nothing; a refused commit leaves this device
        // behind the others for good.
        if (item.kind == StreamItem::Kind::commit) broken(conversation_id, c);
        return;
    }
    if (const auto* e = std::get_if<mls::NewEpoch>(&*processed)) {
        c.pending_proposals = 0;
        if (e->removed_me) {
            qCInfo(lcEngine) << "removed from" << conversation_id << "at seq" << item.seq;
            return forget(conversation_id);
        }
        persist(conversation_id);
        emit epochChanged(conversation_id, e->epoch);
        return;
    }
    if (std::holds_alternative<mls::ProposalStored>(*processed)) {
        ++c.pending_proposals;
        // The server proposes the Remove of revoked devices and removed members (docs/e2ee.md,
        // "External sender"); a member must commit it.
        if (item.sender_user_id.isEmpty()) commit_pending(conversation_id);
    }
}

void GroupEngine::refuse(const QString& conversation_id, std::int64_t seq, RefusalReason reason,
                         const QString& detail) {
    qCWarning(lcEngine) << "refused" << conversation_id << "seq" << seq << to_string(reason)
                        << detail;
    emit messageRefused(MessageRefusal{conversation_id, seq, reason, detail});
}

void GroupEngine::report_delivered(const QString& conversation_id) {
    auto& c = at(conversation_id);
    if (!c.group || c.delivering || c.stream.last() <= c.delivered) return;
    c.delivering = true;
    const std::int64_t seq = c.stream.last();
    call(QStringLiteral("messages.delivered"),
         {{QStringLiteral("conversation_id"), conversation_id},
          {QStringLiteral("seq"), static_cast<qint64>(seq)}},
         [this, conversation_id, seq](const ServerResponse& r) {
             auto& conv = at(conversation_id);
             conv.delivering = false;
             if (r.ok) conv.delivered = std::max(conv.delivered, seq);
             if (r.ok && conv.stream.last() > conv.delivered) report_delivered(conversation_id);
         });
}

void GroupEngine::accept_welcome(const WelcomeItem& welcome) {
    exclusive(welcome.conversation_id, [this, welcome](Finish finish) {
        const QString& id = welcome.conversation_id;
        auto& c = at(id);
        if (c.group) return finish();  // joined already (e.g. by external commit)
        const auto message = mls_from_base64(welcome.welcome, kMaxMessageBytes);
        const auto* w = message ? std::get_if<mls::Welcome>(&message->body) : nullptr;
        if (w == nullptr) {
            refuse(id, 0, RefusalReason::welcome_refused, QStringLiteral("not a Welcome"));
            finish();
            return want_join(id, JoinCause::lost);
        }
        const auto found = stock_->bundle_for(*w);
        if (!found) {
            refuse(id, 0, RefusalReason::welcome_refused, QStringLiteral("no_key_package"));
            finish();
            return want_join(id, JoinCause::lost);
        }
        auto group = mls::Group::join(suite(), *w, found->bundle, std::nullopt, group_config());
        if (!group) {
            refuse(id, 0, RefusalReason::welcome_refused, mls_error(group.error()));
            finish();
            return want_join(id, JoinCause::lost);
        }
        stock_->consumed(*found);
        joins_->forget(id);
        c.group.emplace(std::move(*group));
        c.removed = false;
        c.pending_proposals = 0;
        c.stream.start_after(welcome.commit_seq);
        persist(id);
        qCInfo(lcEngine) << "joined" << id << "from a Welcome at epoch" << c.group->epoch();
        emit joined(id, c.group->epoch());
        finish();
    });
}

// ---- Sync -------------------------------------------------------------------------------

void GroupEngine::sync() {
    request_sync();
}

void GroupEngine::request_sync() {
    if (sync_in_flight_) {
        sync_again_ = true;
        return;
    }
    sync_in_flight_ = true;
    sync_pages([this](bool) {
        sync_in_flight_ = false;
        if (sync_again_) {
            sync_again_ = false;
            request_sync();
        }
    });
}

void GroupEngine::sync_pages(std::function<void(bool)> then) {
    auto cursors = std::make_shared<std::map<QString, std::int64_t>>();
    for (const auto& [id, c] : conversations_)
        if (c.group && !c.removed) (*cursors)[id] = c.stream.last();
    sync_page(std::move(cursors), false, std::move(then));
}

void GroupEngine::sync_page(std::shared_ptr<std::map<QString, std::int64_t>> cursors, bool retried,
                            std::function<void(bool)> then) {
    QJsonArray list;
    for (const auto& [id, seq] : *cursors)
        list.append(QJsonObject{{QStringLiteral("conversation_id"), id},
                                {QStringLiteral("seq"), static_cast<qint64>(seq)}});
    QJsonObject body{{QStringLiteral("limit"), options_.sync_page}};
    if (!list.isEmpty()) body.insert(QStringLiteral("cursors"), list);
    call(QStringLiteral("messages.sync"), body,
         [this, cursors, retried, then = std::move(then)](const ServerResponse& r) {
             if (!r.ok) {
                 // A cursor of a conversation this user has left: list again, then retry.
                 if (r.error_code == QLatin1String("not_found") && !retried) {
                     listed_.clear();
                     return list_conversations({}, [this, cursors, then] {
                         for (auto it = cursors->begin(); it != cursors->end();) {
                             if (listed_.count(it->first) == 0) {
                                 forget(it->first);
                                 it = cursors->erase(it);
                             } else {
                                 ++it;
                             }
                         }
                         sync_page(cursors, true, then);
                     });
                 }
                 qCWarning(lcEngine) << "messages.sync failed:" << r.error_code;
                 return then(false);
             }
             // Welcomes first: the messages after a Welcome's commit need its group.
             for (const auto& v : r.body.value(QLatin1String("welcomes")).toArray()) {
                 const auto welcome = parse_welcome_item(v.toObject());
                 if (welcome)
                     accept_welcome(*welcome);
                 else
                     qCWarning(lcEngine) << "ignored an unreadable Welcome in a sync page";
             }
             for (const auto& v : r.body.value(QLatin1String("messages")).toArray()) {
                 auto item = parse_stream_item(v.toObject());
                 if (item)
                     accept_item(std::move(*item));
                 else
                     qCWarning(lcEngine) << "ignored an unreadable message in a sync page";
             }
             if (!r.body.value(QLatin1String("more")).toBool()) return then(true);
             for (const auto& v : r.body.value(QLatin1String("cursors")).toArray()) {
                 const auto o = v.toObject();
                 const QString id = o.value(QLatin1String("conversation_id")).toString();
                 const auto seq = json_integer(o.value(QLatin1String("seq")));
                 if (id.isEmpty() || !seq) continue;
                 auto& cursor = (*cursors)[id];
                 cursor = std::max(cursor, *seq);
             }
             sync_page(cursors, retried, then);
         });
}

void GroupEngine::catch_up(const QString& conversation_id, std::optional<std::int64_t> up_to,
                           std::function<void()> then) {
    sync_pages([this, conversation_id, up_to, then = std::move(then)](bool) {
        drain(conversation_id, true, up_to);
        then();
    });
}

// ---- Joining ----------------------------------------------------------------------------

void GroupEngine::want_join(const QString& conversation_id, JoinCause cause) {
    auto& c = at(conversation_id);
    if (c.group || c.removed || !device_) return;
    if (joins_->gave_up(conversation_id)) {
        // Application messages alone do not wake a join given up: anything else is news.
        if (cause == JoinCause::entry) return;
        joins_->rearm(conversation_id);
    }
    if (c.joining || joins_->waiting(conversation_id)) return;
    // The commit that added this user may carry a Welcome for this device: wait for it a little.
    if (cause == JoinCause::added)
        return joins_->later(conversation_id, joins_->options().added_grace);
    join_now(conversation_id, cause != JoinCause::listed);
}

void GroupEngine::join_now(const QString& conversation_id, bool sync_first) {
    auto& c = at(conversation_id);
    if (c.group) joins_->forget(conversation_id);
    if (c.group || c.removed || c.joining || !device_) return;
    c.joining = true;
    auto attempt = [this, conversation_id] {
        exclusive(conversation_id, [this, conversation_id](Finish finish) {
            auto& conv = at(conversation_id);
            if (conv.group || conv.removed) {  // welcomed (or removed) meanwhile
                conv.joining = false;
                joins_->forget(conversation_id);
                return finish();
            }
            join_attempt(conversation_id, std::move(finish));
        });
    };
    // A Welcome may be waiting for this device: a sync brings it (it is processed before this
    // attempt, which then finds the group). Only without one does the device join by external
    // commit.
    if (!sync_first) return attempt();
    sync_pages([attempt](bool) { attempt(); });
}

void GroupEngine::join_failed(const QString& conversation_id, JoinFailureReason reason,
                              const QString& detail) {
    auto& c = at(conversation_id);
    c.joining = false;
    JoinFailure failure;
    failure.conversation_id = conversation_id;
    failure.reason = reason;
    failure.detail = detail;
    if (c.removed) {
        emit joinFailed(failure);
        return;
    }
    failure.retry_in = joins_->failed(conversation_id);
    failure.attempts = joins_->failures(conversation_id);
    if (failure.retry_in)
        qCInfo(lcEngine) << "cannot join" << conversation_id
                         << "by external commit yet:" << to_string(reason) << detail << "attempt"
                         << failure.attempts << "retry in" << failure.retry_in->count() << "ms";
    else
        qCWarning(lcEngine) << "gave up joining" << conversation_id << "by external commit after"
                            << failure.attempts << "attempts:" << to_string(reason) << detail;
    emit joinFailed(failure);
}

void GroupEngine::join_attempt(const QString& conversation_id, Finish finish) {
    call(QStringLiteral("group_info.get"), {{QStringLiteral("conversation_id"), conversation_id}},
         [this, conversation_id, finish](const ServerResponse& r) {
             if (!r.ok) {
                 // not_found: no GroupInfo yet (nobody has committed) or no longer a member.
                 join_failed(conversation_id,
                             r.error_code == QLatin1String("not_found")
                                 ? JoinFailureReason::no_group_info
                                 : JoinFailureReason::request_failed,
                             r.error_code);
                 return finish();
             }
             const auto message = mls_from_base64(
                 r.body.value(QLatin1String("group_info")).toString(), kMaxMessageBytes);
             const auto* info = message ? std::get_if<mls::GroupInfo>(&message->body) : nullptr;
             auto bundle = device_->key_package(options_.leaf_lifetime_seconds);
             if (info == nullptr || !bundle) {
                 join_failed(conversation_id, JoinFailureReason::unusable_group_info, {});
                 return finish();
             }
             auto joined_group =
                 mls::Group::join_external(suite(), *info, std::nullopt, *bundle, group_config());
             if (!joined_group) {
                 join_failed(conversation_id, JoinFailureReason::group_info_refused,
                             mls_error(joined_group.error()));
                 return finish();
             }
             auto out = std::make_shared<mls::ExternalJoin>(std::move(*joined_group));
             auto group_info = out->group.group_info();
             QJsonObject body{{QStringLiteral("conversation_id"), conversation_id},
                              {QStringLiteral("client_msg_id"), new_uuid()},
                              {QStringLiteral("message"), mls_to_base64(out->commit)}};
             if (group_info) body.insert(QStringLiteral("group_info"), mls_to_base64(*group_info));
             call(QStringLiteral("handshake.submit"), body,
                  [this, conversation_id, finish, out](const ServerResponse& s) {
                      if (!s.ok) {
                          // stale_epoch: another commit won; the retry syncs first (a Welcome
                          // may have come with it) and takes the newer GroupInfo.
                          if (s.error_code == QLatin1String("stale_epoch")) ++stale_retries_;
                          join_failed(conversation_id, JoinFailureReason::commit_refused,
                                      s.error_code);
                          return finish();
                      }
                      auto& c = at(conversation_id);
                      c.joining = false;
                      if (c.removed) return finish();  // removed from the conversation meanwhile
                      joins_->forget(conversation_id);
                      const auto seq = json_integer(s.body.value(QLatin1String("seq")), 1);
                      c.group.emplace(std::move(out->group));
                      c.removed = false;
                      c.pending_proposals = 0;
                      c.stream.start_after(seq.value_or(0));
                      persist(conversation_id);
                      qCInfo(lcEngine) << "joined" << conversation_id
                                       << "by external commit at epoch" << c.group->epoch();
                      emit joined(conversation_id, c.group->epoch());
                      finish();
                  });
         });
}

void GroupEngine::publish_group_info(const QString& conversation_id) {
    commit_in(
        conversation_id,
        [](const mls::Group& group) -> std::optional<std::vector<mls::Proposal>> {
            if (group.epoch() != 0) return std::nullopt;
            return std::vector<mls::Proposal>{};
        },
        [conversation_id](const OperationResult& r) {
            if (!r.ok)
                qCWarning(lcEngine) << "publishing the GroupInfo of" << conversation_id
                                    << "failed:" << r.error_code;
        });
}

// ---- Commits ----------------------------------------------------------------------------

void GroupEngine::commit_in(const QString& conversation_id, MakeProposals make, Done done,
                            QStringList missing) {
    exclusive(conversation_id, [this, conversation_id, make = std::move(make),
                                done = std::move(done), missing](Finish finish) {
        commit_attempt(
            conversation_id, make,
            [done, finish](const OperationResult& r) {
                done(r);
                finish();
            },
            1, missing);
    });
}

void GroupEngine::commit_attempt(const QString& conversation_id, MakeProposals make, Done done,
                                 int attempt, QStringList missing) {
    auto& c = at(conversation_id);
    if (!c.group)
        return done(failure(conversation_id, QStringLiteral("not_a_member"),
                            QStringLiteral("this device has no group for the conversation")));
    auto proposals = make(*c.group);
    if (!proposals) {  // nothing (left) to commit
        OperationResult r;
        r.ok = true;
        r.conversation_id = conversation_id;
        r.epoch = c.group->epoch();
        r.missing_devices = missing;
        return done(r);
    }
    auto committed = c.group->commit(*proposals);
    if (!committed)
        return done(
            failure(conversation_id, QStringLiteral("mls_failed"),
                    QStringLiteral("the commit cannot be made: ") + mls_error(committed.error())));
    auto out = std::make_shared<mls::CommitOutput>(std::move(*committed));
    auto info = out->next.group_info();
    QJsonObject body{{QStringLiteral("conversation_id"), conversation_id},
                     {QStringLiteral("client_msg_id"), new_uuid()},
                     {QStringLiteral("message"), mls_to_base64(out->commit)}};
    if (out->welcome) body.insert(QStringLiteral("welcome"), mls_to_base64(*out->welcome));
    // Published so that this user's other devices, and this one after losing its state, can
    // join by external commit.
    if (info) body.insert(QStringLiteral("group_info"), mls_to_base64(*info));
    submit_commit(conversation_id, std::move(body), std::move(out), std::move(make),
                  std::move(done), attempt, 0, std::move(missing));
}

void GroupEngine::submit_commit(const QString& conversation_id, QJsonObject body,
                                std::shared_ptr<mls::CommitOutput> out, MakeProposals make,
                                Done done, int attempt, int resends, QStringList missing) {
    call(QStringLiteral("handshake.submit"), body,
         [this, conversation_id, body, out, make, done, attempt, resends,
          missing](const ServerResponse& r) {
             if (!r.ok && lost_answer(r) && resends < kResends)  // same client_msg_id: safe
                 return submit_commit(conversation_id, body, out, make, done, attempt, resends + 1,
                                      missing);
             if (!r.ok && r.error_code == QLatin1String("stale_epoch")) {
                 if (attempt >= options_.max_commit_attempts)
                     return done(failure(conversation_id, r));
                 ++stale_retries_;
                 qCInfo(lcEngine) << "commit to" << conversation_id
                                  << "was stale; catching up and retrying";
                 return catch_up(conversation_id, std::nullopt,
                                 [this, conversation_id, make, done, attempt, missing] {
                                     commit_attempt(conversation_id, make, done, attempt + 1,
                                                    missing);
                                 });
             }
             if (!r.ok) return done(failure(conversation_id, r));
             const std::int64_t seq =
                 json_integer(r.body.value(QLatin1String("seq")), 1).value_or(0);
             auto& c = at(conversation_id);
             c.stream.mark_done(seq);
             auto adopt = [this, conversation_id, out, done, seq, missing] {
                 auto& conv = at(conversation_id);
                 if (conv.removed)  // removed from the conversation meanwhile
                     return done(failure(conversation_id, QStringLiteral("not_a_member"),
                                         QStringLiteral("removed from the conversation")));
                 conv.group.emplace(std::move(out->next));
                 conv.pending_proposals = 0;
                 persist(conversation_id);
                 emit epochChanged(conversation_id, conv.group->epoch());
                 OperationResult result;
                 result.ok = true;
                 result.conversation_id = conversation_id;
                 result.seq = seq;
                 result.epoch = conv.group->epoch();
                 result.missing_devices = missing;
                 done(result);
             };
             // Entries before the commit belong to the old epoch: read them with the old
             // state first.
             if (c.stream.last() >= seq - 1) return adopt();
             catch_up(conversation_id, seq - 1, adopt);
         });
}

void GroupEngine::commit_pending(const QString& conversation_id) {
    auto& c = at(conversation_id);
    if (c.commit_queued) return;
    c.commit_queued = true;
    commit_in(
        conversation_id,
        [this, conversation_id](const mls::Group&) -> std::optional<std::vector<mls::Proposal>> {
            auto& conv = at(conversation_id);
            conv.commit_queued = false;
            // Another member's commit may have taken the proposals in the meantime.
            if (conv.pending_proposals == 0) return std::nullopt;
            return std::vector<mls::Proposal>{};
        },
        [conversation_id](const OperationResult& r) {
            if (!r.ok)
                qCWarning(lcEngine) << "committing the pending proposals of" << conversation_id
                                    << "failed:" << r.error_code;
        });
}

void GroupEngine::create_conversation(QJsonObject body, Done done) {
    if (!device_)
        return done(failure({}, QStringLiteral("not_started"), QStringLiteral("not signed in")));
    fetch_external_sender([this, body, done](bool ok) mutable {
        if (!ok)
            return done(failure({}, QStringLiteral("no_external_sender"),
                                QStringLiteral("the server did not name its external sender")));
        mls::Bytes group_id(32);
        randombytes_buf(group_id.data(), group_id.size());
        body.insert(QStringLiteral("mls_group_id"),
                    QString::fromLatin1(to_qbytes(group_id).toBase64()));
        call(QStringLiteral("conversations.create"), body,
             [this, group_id, done](const ServerResponse& r) {
                 if (!r.ok) return done(failure({}, r));
                 const QJsonObject conversation =
                     r.body.value(QLatin1String("conversation")).toObject();
                 const QString id = conversation.value(QLatin1String("id")).toString();
                 listed_.insert(id);
                 auto& c = at(id);
                 if (!r.body.value(QLatin1String("created")).toBool()) {
                     // A direct conversation of this pair existed already.
                     restore(id);
                     if (!c.group) want_join(id, JoinCause::lost);
                     OperationResult result;
                     result.ok = true;
                     result.conversation_id = id;
                     return done(result);
                 }
                 auto bundle = device_->key_package(options_.leaf_lifetime_seconds);
                 auto extension = mls::external_senders_extension({*external_sender_});
                 auto group = bundle && extension
                                  ? mls::Group::create(suite(), group_id, *bundle, group_config(),
                                                       {*extension})
                                  : mls::Result<mls::Group>(mls::Error::invalid_value);
                 if (!group)
                     return done(failure(id, QStringLiteral("mls_failed"),
                                         QStringLiteral("the group cannot be created")));
                 c.group.emplace(std::move(*group));
                 c.removed = false;
                 c.stream.start_after(
                     json_integer(conversation.value(QLatin1String("last_seq"))).value_or(0));
                 persist(id);
                 emit joined(id, 0);
                 // Every member's devices, and this user's other devices.
                 QStringList users{device_->user_id};
                 for (const auto& m : conversation.value(QLatin1String("members")).toArray()) {
                     const QString user = m.toObject().value(QLatin1String("user_id")).toString();
                     if (!user.isEmpty() && !users.contains(user)) users.append(user);
                 }
                 add_devices(id, users, done);
             });
    });
}

void GroupEngine::add_members(const QString& conversation_id, const QStringList& user_ids,
                              Done done) {
    QJsonArray users;
    for (const auto& u : user_ids) users.append(u);
    call(
        QStringLiteral("conversations.add_members"),
        {{QStringLiteral("conversation_id"), conversation_id}, {QStringLiteral("user_ids"), users}},
        [this, conversation_id, user_ids, done](const ServerResponse& r) {
            if (!r.ok) return done(failure(conversation_id, r));
            add_devices(conversation_id, user_ids, done);
        });
}

void GroupEngine::add_devices(const QString& conversation_id, const QStringList& user_ids,
                              Done done) {
    claim_devices(conversation_id, user_ids, std::make_shared<std::vector<ClaimedDevice>>(),
                  std::make_shared<QStringList>(), std::move(done));
}

void GroupEngine::claim_devices(const QString& conversation_id, QStringList user_ids,
                                std::shared_ptr<std::vector<ClaimedDevice>> claimed,
                                std::shared_ptr<QStringList> missing, Done done) {
    if (user_ids.isEmpty()) {
        MakeProposals make =
            [claimed](const mls::Group& group) -> std::optional<std::vector<mls::Proposal>> {
            // Devices already in the tree (e.g. joined by external commit meanwhile) are not
            // added twice.
            std::set<QString> present;
            for (const auto leaf : group.members())
                if (const auto* node = group.tree().leaf(leaf))
                    if (const auto ids = leaf_ids(node->credential)) present.insert(ids->device_id);
            std::vector<mls::Proposal> adds;
            for (const auto& d : *claimed)
                if (present.count(d.device_id) == 0)
                    adds.push_back(mls::Proposal{mls::Add{d.key_package}});
            // A group that has never committed has published no GroupInfo: it commits anyway,
            // so that the devices it could not add can join by external commit.
            if (adds.empty() && group.epoch() != 0) return std::nullopt;
            return adds;
        };
        return commit_in(conversation_id, std::move(make), std::move(done), *missing);
    }
    const QString user = user_ids.takeFirst();
    call(QStringLiteral("key_packages.claim"), {{QStringLiteral("user_id"), user}},
         [this, conversation_id, user_ids, claimed, missing, done, user](const ServerResponse& r) {
             if (!r.ok) return done(failure(conversation_id, r));
             const std::uint64_t now = now_seconds();
             for (const auto& v : r.body.value(QLatin1String("devices")).toArray()) {
                 const auto o = v.toObject();
                 const QString device = o.value(QLatin1String("device_id")).toString();
                 const auto message =
                     mls_from_base64(o.value(QLatin1String("key_package")).toString(), 4096);
                 const auto* kp = message ? std::get_if<mls::KeyPackage>(&message->body) : nullptr;
                 const auto ids = kp ? leaf_ids(kp->leaf_node.credential) : std::nullopt;
                 // The server hands out what devices uploaded; the client checks it anyway
                 // (RFC 9420 §10.1) and that it names the device the server says it is.
                 const bool valid = kp != nullptr && kp->cipher_suite == mls::kSuite3 && ids &&
                                    ids->org_id == device_->org_id && ids->user_id == user &&
                                    ids->device_id == device &&
                                    mls::validate_key_package(suite(), *kp) &&
                                    kp->leaf_node.lifetime.not_before <= now + 300 &&
                                    now < kp->leaf_node.lifetime.not_after;
                 if (!valid) {
                     qCWarning(lcEngine) << "refused the KeyPackage of device" << device;
                     missing->append(device);
                     continue;
                 }
                 claimed->push_back(ClaimedDevice{user, device, *kp});
             }
             for (const auto& v : r.body.value(QLatin1String("missing")).toArray())
                 missing->append(v.toString());
             claim_devices(conversation_id, user_ids, claimed, missing, done);
         });
}

void GroupEngine::remove_member(const QString& conversation_id, const QString& user_id, Done done) {
    call(QStringLiteral("conversations.remove_member"),
         {{QStringLiteral("conversation_id"), conversation_id},
          {QStringLiteral("user_id"), user_id}},
         [this, conversation_id, user_id, done](const ServerResponse& r) {
             if (!r.ok) return done(failure(conversation_id, r));
             if (device_ && user_id == device_->user_id) {
                 // Leaving: the others commit the server's Remove of this user's leaves.
                 forget(conversation_id);
                 OperationResult result;
                 result.ok = true;
                 result.conversation_id = conversation_id;
                 return done(result);
             }
             commit_in(
                 conversation_id,
                 [user_id](const mls::Group& group) -> std::optional<std::vector<mls::Proposal>> {
                     std::vector<mls::Proposal> removes;
                     for (const auto leaf : group.members()) {
                         const auto* node = group.tree().leaf(leaf);
                         const auto ids = node ? leaf_ids(node->credential) : std::nullopt;
                         if (ids && ids->user_id == user_id && leaf != group.own_leaf())
                             removes.push_back(mls::Proposal{mls::Remove{leaf.value}});
                     }
                     if (removes.empty()) return std::nullopt;
                     return removes;
                 },
                 done);
         });
}

void GroupEngine::update(const QString& conversation_id, Done done) {
    commit_in(
        conversation_id,
        [](const mls::Group&) -> std::optional<std::vector<mls::Proposal>> {
            return std::vector<mls::Proposal>{};
        },
        std::move(done));
}

// ---- Sending ----------------------------------------------------------------------------

void GroupEngine::send(const QString& conversation_id, const OutgoingMessage& message, Done done) {
    exclusive(conversation_id, [this, conversation_id, message, done](Finish finish) {
        auto& c = at(conversation_id);
        if (!c.group) {
            done(failure(conversation_id, QStringLiteral("not_a_member"),
                         QStringLiteral("this device has no group for the conversation")));
            return finish();
        }
        const mls::Bytes plaintext = to_mls_bytes(message.plaintext);
        auto encrypted = c.group->encrypt(plaintext);
        if (!encrypted) {
            done(failure(conversation_id, QStringLiteral("mls_failed"),
                         QStringLiteral("the message cannot be encrypted: ") +
                             mls_error(encrypted.error())));
            return finish();
        }
        // The sending key is used up: the state is saved before the ciphertext leaves.
        persist(conversation_id);
        QJsonObject body{{QStringLiteral("conversation_id"), conversation_id},
                         {QStringLiteral("client_msg_id"),
                          message.client_msg_id.isEmpty() ? new_uuid() : message.client_msg_id},
                         {QStringLiteral("message"), mls_to_base64(*encrypted)}};
        if (!message.priority.isEmpty()) body.insert(QStringLiteral("priority"), message.priority);
        if (message.reply_to)
            body.insert(QStringLiteral("reply_to"), static_cast<qint64>(*message.reply_to));
        if (!message.attachments.isEmpty())
            body.insert(QStringLiteral("attachments"),
                        QJsonArray::fromStringList(message.attachments));
        if (message.expires_at_ms)
            body.insert(QStringLiteral("expires_at"), static_cast<qint64>(*message.expires_at_ms));
        send_encrypted(conversation_id, std::move(body), 0, done, std::move(finish));
    });
}

void GroupEngine::send_encrypted(const QString& conversation_id, QJsonObject body, int resends,
                                 Done done, Finish finish) {
    call(QStringLiteral("messages.send"), body,
         [this, conversation_id, body, resends, done, finish](const ServerResponse& r) {
             if (!r.ok && lost_answer(r) && resends < kResends)  // same client_msg_id: safe
                 return send_encrypted(conversation_id, body, resends + 1, done, finish);
             if (!r.ok) {
                 done(failure(conversation_id, r));
                 return finish();
             }
             OperationResult result;
             result.ok = true;
             result.conversation_id = conversation_id;
             result.seq = json_integer(r.body.value(QLatin1String("seq")), 1).value_or(0);
             result.client_msg_id = body.value(QLatin1String("client_msg_id")).toString();
             result.duplicate = r.body.value(QLatin1String("duplicate")).toBool();
             auto& c = at(conversation_id);
             if (c.group) {
                 result.epoch = c.group->epoch();
                 if (result.seq > 0) c.stream.mark_done(result.seq);
             }
             done(result);
             finish();
         });
}

// ---- State ------------------------------------------------------------------------------

void GroupEngine::persist(const QString& conversation_id) {
    auto& c = at(conversation_id);
    if (!c.group) return;
    auto state = c.group->serialize_state();
    if (!state) {
        qCCritical(lcEngine) << "the state of" << conversation_id << "does not serialize";
        emit storageFailed(conversation_id);
        return;
    }
    const GroupRecord record{c.stream.last(), std::move(*state)};
    const QByteArray bytes = encode_group_record(record);
    const bool saved = !bytes.isEmpty() && groups_.save(conversation_id, bytes);
    if (!saved) {
        qCCritical(lcEngine) << "the state of" << conversation_id << "could not be saved";
        emit storageFailed(conversation_id);
    }
}

void GroupEngine::forget(const QString& conversation_id) {
    auto& c = at(conversation_id);
    const bool had = c.group.has_value();
    c.group.reset();
    c.removed = true;
    c.pending_proposals = 0;
    c.stream = ConversationStream{};
    c.joining = false;
    joins_->forget(conversation_id);
    listed_.erase(conversation_id);
    if (!groups_.erase(conversation_id)) emit storageFailed(conversation_id);
    if (had) emit left(conversation_id);
}

void GroupEngine::broken(const QString& conversation_id, Conversation& c) {
    // The state here can no longer follow the group: drop it and join again from the
    // GroupInfo the last committer published. What was sent meanwhile stays unreadable.
    c.group.reset();
    c.stream = ConversationStream{};
    want_join(conversation_id, JoinCause::lost);
}

bool GroupEngine::has_group(const QString& conversation_id) const {
    const auto it = conversations_.find(conversation_id);
    return it != conversations_.end() && it->second.group.has_value();
}

std::optional<std::uint64_t> GroupEngine::epoch(const QString& conversation_id) const {
    const auto it = conversations_.find(conversation_id);
    if (it == conversations_.end() || !it->second.group) return std::nullopt;
    return it->second.group->epoch();
}

QByteArray GroupEngine::epoch_authenticator(const QString& conversation_id) const {
    const auto it = conversations_.find(conversation_id);
    if (it == conversations_.end() || !it->second.group) return {};
    return to_qbytes(it->second.group->epoch_authenticator());
}

}  // namespace wardline::client
