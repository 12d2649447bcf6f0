// SPDX-License-Identifier: Apache-2.0
#include "client-qt/core/message_recorder.hpp"

#include <QDateTime>
#include <QJsonArray>
#include <QLoggingCategory>

namespace wardline::client {
namespace {

Q_LOGGING_CATEGORY(lcRecorder, "wardline.chat")

std::optional<Priority> priority_from(const QString& p) {
    if (p.isEmpty() || p == QLatin1String("routine")) return Priority::routine;
    if (p == QLatin1String("urgent")) return Priority::urgent;
    if (p == QLatin1String("critical")) return Priority::critical;
    return std::nullopt;
}

qint64 now_ms() {
    return QDateTime::currentMSecsSinceEpoch();
}

/// A non-negative integer field, or nullopt (absent, fractional, negative, not a number).
std::optional<qint64> integer(const QJsonObject& o, const char* name, qint64 minimum = 0) {
    const auto v = o.value(QLatin1String(name));
    if (!v.isDouble()) return std::nullopt;
    const double d = v.toDouble();
    if (d < static_cast<double>(minimum) || d > 9.0e15 || d != static_cast<double>(v.toInteger()))
        return std::nullopt;
    return v.toInteger();
}

QString text(const QJsonObject& o, const char* name) {
    const auto v = o.value(QLatin1String(name));
    return v.isString() ? v.toString() : QString();
}

bool valid_id(const QString& id) {
    return !id.isEmpty() && id.size() <= 64;
}

OperationResult refused(const QString& conversation_id, const QString& code,
                        const QString& message) {
    OperationResult r;
    r.conversation_id = conversation_id;
    r.error_code = code;
    r.error_message = message;
    return r;
}

}  // namespace

MessageRecorder::MessageRecorder(ServerConnection& connection, GroupEngine& engine,
                                 LocalStore& store, ColleagueDirectory& colleagues,
                                 SendQueueOptions send_options, QObject* parent)
    : QObject(parent),
      connection_(connection),
      engine_(engine),
      store_(store),
      colleagues_(colleagues),
      user_id_(store.account().user_id),
      device_id_(store.account().device_id),
      outbox_(connection, engine, store, send_options) {
    connect(&outbox_, &SendQueue::queueChanged, this, &MessageRecorder::queueChanged);
    connect(&outbox_, &SendQueue::acknowledged, this, &MessageRecorder::on_acknowledged);
    connect(&outbox_, &SendQueue::storeFailed, this, &MessageRecorder::storeFailed);
    connect(&engine_, &GroupEngine::messageDecrypted, this, &MessageRecorder::on_decrypted);
    connect(&engine_, &GroupEngine::ready, this, &MessageRecorder::start);
    connect(&engine_, &GroupEngine::messageRefused, this, [](const MessageRefusal& r) {
        qCWarning(lcRecorder) << "a message was refused:" << r.seq << to_string(r.reason)
                              << r.detail;
    });
    connect(&engine_, &GroupEngine::joined, this,
            [this](const QString& id, quint64) { refresh(id); });
    connect(&connection_, &ServerConnection::event, this, &MessageRecorder::on_event);
    connect(&colleagues_, &ColleagueDirectory::namesChanged, this, [this] {
        // Direct conversations stored before the names were known get their peer's name.
        std::vector<StoredConversation> all;
        if (!guarded([&] { all = store_.conversations(); })) return;
        for (const auto& c : all)
            if (c.kind == QLatin1String("direct") && c.title.isEmpty()) refresh(c.id);
    });
}

MessageRecorder::~MessageRecorder() {
    *alive_ = false;
}

bool MessageRecorder::guarded(const std::function<void()>& op) {
    try {
        op();
        return true;
    } catch (const LocalStoreError& e) {
        qCWarning(lcRecorder) << "local store:" << e.what();
        emit storeFailed(QString::fromUtf8(e.what()));
        return false;
    }
}

void MessageRecorder::call(const QString& type, const QJsonObject& body,
                           std::function<void(const ServerResponse&)> done) {
    std::weak_ptr<bool> alive = alive_;
    connection_.request(type, body, [alive, done = std::move(done)](const ServerResponse& r) {
        if (!alive.expired()) done(r);
    });
}

// ---- Conversations ------------------------------------------------------------------------

void MessageRecorder::start() {
    list_page({});
}

void MessageRecorder::list_page(const QString& after) {
    QJsonObject body{{QStringLiteral("limit"), 200}};
    if (!after.isEmpty()) body.insert(QStringLiteral("after"), after);
    call(QStringLiteral("conversations.list"), body, [this](const ServerResponse& r) {
        if (!r.ok) {
            qCWarning(lcRecorder) << "conversations.list refused:" << r.error_code;
            return;
        }
        for (const auto& v : r.body.value(QLatin1String("conversations")).toArray()) {
            const auto c = v.toObject();
            take_conversation(c, false);
            refresh(text(c, "id"));  // members and their read positions
        }
        const QString next = text(r.body, "next_after");
        if (!next.isEmpty()) list_page(next);
    });
}

void MessageRecorder::refresh(const QString& conversation_id) {
    if (!valid_id(conversation_id) || refreshing_.contains(conversation_id)) return;
    refreshing_.insert(conversation_id);
    call(QStringLiteral("conversations.get"),
         {{QStringLiteral("conversation_id"), conversation_id}},
         [this, conversation_id](const ServerResponse& r) {
             refreshing_.erase(conversation_id);
             if (r.ok) take_conversation(r.body, true);
         });
}

void MessageRecorder::take_conversation(const QJsonObject& c, bool with_members) {
    const QString id = text(c, "id");
    const QString kind = text(c, "kind");
    if (!valid_id(id) || kind.isEmpty()) return;
    bool moved = false;
    int expired = 0;
    // conversations.list says up to which seq the server holds no application message: what
    // retention deleted while this device was offline (messages.expired reached only those online).
    const auto expired_through = integer(c, "expired_through_seq", 1);
    const bool ok = guarded([&] {
        StoredConversation s = store_.conversation(id).value_or(StoredConversation{});
        s.id = id;
        s.kind = kind;
        QString title = text(c, "title");
        if (title.isEmpty() && kind == QLatin1String("direct") && with_members) {
            for (const auto& m : c.value(QLatin1String("members")).toArray()) {
                const QString member = text(m.toObject(), "user_id");
                if (member != user_id_) title = colleagues_.display_name(member);
            }
        }
        if (!title.isEmpty()) s.title = title;
        if (c.value(QLatin1String("archived")).toBool() &&
            !s.title.endsWith(QLatin1String(" (archived)")))
            s.title += QStringLiteral(" (archived)");
        s.last_seq = std::max(s.last_seq, integer(c, "last_seq").value_or(0));
        if (s.updated_ms == 0) {
            const auto created =
                QDateTime::fromString(text(c, "created_at"), Qt::ISODateWithMs).toMSecsSinceEpoch();
            if (created > 0) s.updated_ms = created;
        }
        if (const auto patient = c.value(QLatin1String("patient")); patient.isObject())
            s.patient = patient.toObject();
        store_.upsert_conversation(s);
        if (const auto own = integer(c, "read_seq"))
            moved |= store_.raise_member_position(id, user_id_, 0, *own);
        if (with_members)
            for (const auto& v : c.value(QLatin1String("members")).toArray()) {
                const auto m = v.toObject();
                const QString member = text(m, "user_id");
                const auto read = integer(m, "read_seq");
                if (valid_id(member) && read)
                    moved |= store_.raise_member_position(id, member, 0, *read);
            }
        if (expired_through) expired = store_.expire_messages(id, *expired_through);
    });
    if (!ok) return;
    if (expired > 0) emit messagesExpired(id, *expired_through);
    emit conversationChanged(id);
    if (moved) emit receiptsChanged(id);
}

void MessageRecorder::touch(const QString& conversation_id, qint64 time_ms) {
    guarded([&] {
        auto c = store_.conversation(conversation_id);
        if (!c || c->updated_ms >= time_ms) return;
        c->updated_ms = time_ms;
        store_.upsert_conversation(*c);
    });
}

// ---- Messages -----------------------------------------------------------------------------

void MessageRecorder::store_message(const StoredMessage& m) {
    int added = 0;
    bool known = true;
    if (!guarded([&] {
            known = store_.conversation(m.conversation_id).has_value();
            added = store_.store_messages(std::span<const StoredMessage>(&m, 1));
        }))
        return;
    if (!known) refresh(m.conversation_id);
    touch(m.conversation_id, m.server_time_ms);
    if (added > 0) emit messageAdded(m.conversation_id, m.seq);
    emit conversationChanged(m.conversation_id);
}

void MessageRecorder::on_decrypted(const DecryptedMessage& d) {
    StoredMessage m;
    m.conversation_id = d.conversation_id;
    m.seq = d.seq;
    m.sender_user_id = d.sender_user_id;
    m.sender_device_id = d.sender_device_id;
    m.client_msg_id = d.client_msg_id;
    m.server_time_ms = d.created_at_ms;
    m.priority = priority_from(d.priority).value_or(Priority::routine);
    m.state = d.sender_user_id == user_id_ ? MessageState::sent : MessageState::received;
    m.body = d.plaintext;
    store_message(m);
}

void MessageRecorder::send(const QString& conversation_id, const QString& message_text,
                           const QString& priority, Done done) {
    if (!done) done = [](const OperationResult&) {};
    const auto p = priority_from(priority);
    if (!p) return done(refused(conversation_id, "bad_request", "unknown priority"));
    if (message_text.trimmed().isEmpty())
        return done(refused(conversation_id, "bad_request", "the message is empty"));
    const QByteArray body = message_text.toUtf8();
    if (body.size() > max_text_bytes)
        return done(refused(conversation_id, "bad_request", "the message is too long"));
    bool known = false;
    if (valid_id(conversation_id) &&
        !guarded([&] { known = store_.conversation(conversation_id).has_value(); }))
        return done(refused(conversation_id, "internal", "the local store failed"));
    if (!known) return done(refused(conversation_id, "not_found", "no such conversation"));
    bool queued = false;
    guarded([&] {
        outbox_.submit(conversation_id, *p, body, done);
        queued = true;
    });
    if (!queued) done(refused(conversation_id, "internal", "the message could not be queued"));
}

void MessageRecorder::on_acknowledged(const QString& conversation_id, qint64 seq) {
    // OutgoingQueue::acknowledge stored it; the rest of what a stored message changes.
    guarded([&] { store_.raise_member_position(conversation_id, user_id_, 0, seq); });
    touch(conversation_id, now_ms());
    emit messageAdded(conversation_id, seq);
    emit conversationChanged(conversation_id);
}

void MessageRecorder::mark_read(const QString& conversation_id) {
    qint64 last = 0;
    qint64 read = 0;
    if (!guarded([&] {
            const auto c = store_.conversation(conversation_id);
            last = c ? c->last_seq : 0;
            read = store_.member_position(conversation_id, user_id_).read_seq;
        }))
        return;
    if (last <= read) return;
    call(QStringLiteral("messages.read"),
         {{QStringLiteral("conversation_id"), conversation_id}, {QStringLiteral("seq"), last}},
         [this, conversation_id](const ServerResponse& r) {
             if (!r.ok) {
                 qCWarning(lcRecorder) << "messages.read refused:" << r.error_code;
                 return;
             }
             const auto seq = integer(r.body, "read_seq");
             if (!seq) return;
             guarded([&] { store_.raise_member_position(conversation_id, user_id_, 0, *seq); });
             emit conversationChanged(conversation_id);
         });
}

void MessageRecorder::acknowledge(const QString& conversation_id, qint64 seq, Done done) {
    if (!done) done = [](const OperationResult&) {};
    call(QStringLiteral("messages.acknowledge"),
         {{QStringLiteral("conversation_id"), conversation_id}, {QStringLiteral("seq"), seq}},
         [this, conversation_id, seq, done](const ServerResponse& r) {
             if (!r.ok) return done(refused(conversation_id, r.error_code, r.error_message));
             const qint64 at = integer(r.body, "acknowledged_at").value_or(now_ms());
             guarded([&] { store_.add_acknowledgement(conversation_id, seq, user_id_, at); });
             emit messageChanged(conversation_id, seq);
             emit conversationChanged(conversation_id);
             OperationResult ok;
             ok.ok = true;
             ok.conversation_id = conversation_id;
             ok.seq = seq;
             done(ok);
         });
}

void MessageRecorder::recall(const QString& conversation_id, qint64 seq, Done done) {
    if (!done) done = [](const OperationResult&) {};
    call(QStringLiteral("messages.recall"),
         {{QStringLiteral("conversation_id"), conversation_id}, {QStringLiteral("seq"), seq}},
         [this, conversation_id, seq, done](const ServerResponse& r) {
             if (!r.ok) return done(refused(conversation_id, r.error_code, r.error_message));
             bool had = false;
             if (guarded([&] { had = store_.mark_recalled(conversation_id, seq); }) && had) {
                 emit messageChanged(conversation_id, seq);
                 emit conversationChanged(conversation_id);
             }
             OperationResult ok;
             ok.ok = true;
             ok.conversation_id = conversation_id;
             ok.seq = seq;
             done(ok);
         });
}

void MessageRecorder::start_direct(const QString& other_user_id, Done done) {
    if (!valid_id(other_user_id) || other_user_id == user_id_)
        return done(refused({}, "bad_request", "choose a colleague"));
    QJsonObject body{{QStringLiteral("kind"), QStringLiteral("direct")},
                     {QStringLiteral("members"), QJsonArray{other_user_id}}};
    std::weak_ptr<bool> alive = alive_;
    engine_.create_conversation(body, [this, alive, done](const OperationResult& r) {
        if (alive.expired()) return;
        if (r.ok) {
            touch(r.conversation_id, now_ms());
            refresh(r.conversation_id);
        }
        done(r);
    });
}

void MessageRecorder::create(const ConversationDraft& draft, Done done) {
    if (const auto problem = draft_problem(draft))
        return done(refused({}, "bad_request", *problem));
    std::weak_ptr<bool> alive = alive_;
    engine_.create_conversation(draft_request(draft),
                                [this, alive, done](const OperationResult& r) {
                                    if (alive.expired()) return;
                                    if (r.ok) {
                                        touch(r.conversation_id, now_ms());
                                        refresh(r.conversation_id);
                                    }
                                    done(r);
                                });
}

// ---- Events -------------------------------------------------------------------------------

void MessageRecorder::on_event(const ServerEvent& e) {
    const QString conversation_id = text(e.body, "conversation_id");
    if (!valid_id(conversation_id)) return;
    if (e.type.startsWith(QLatin1String("conversation."))) return refresh(conversation_id);
    if (e.type == QLatin1String("messages.expired")) {
        const auto up_to = integer(e.body, "up_to_seq", 1);
        if (!up_to) return;
        int gone = 0;
        if (guarded([&] { gone = store_.expire_messages(conversation_id, *up_to); }) && gone > 0) {
            emit messagesExpired(conversation_id, *up_to);
            emit conversationChanged(conversation_id);
        }
        return;
    }
    const auto seq = integer(e.body, "seq", 1);
    if (!seq) return;  // every other event this recorder takes names a message
    const QString user = text(e.body, "user_id");
    if (e.type == QLatin1String("receipt.read") || e.type == QLatin1String("receipt.delivered")) {
        if (!valid_id(user)) return;
        const bool read = e.type == QLatin1String("receipt.read");
        bool moved = false;
        guarded([&] {
            moved = store_.raise_member_position(conversation_id, user, read ? 0 : *seq,
                                                 read ? *seq : 0);
        });
        if (moved) emit receiptsChanged(conversation_id);
    } else if (e.type == QLatin1String("message.acknowledged")) {
        if (!valid_id(user)) return;
        const qint64 at = integer(e.body, "acknowledged_at").value_or(now_ms());
        if (guarded([&] { store_.add_acknowledgement(conversation_id, *seq, user, at); })) {
            emit messageChanged(conversation_id, *seq);
            emit conversationChanged(conversation_id);
        }
    } else if (e.type == QLatin1String("message.recalled")) {
        bool had = false;
        if (guarded([&] { had = store_.mark_recalled(conversation_id, *seq); }) && had) {
            emit messageChanged(conversation_id, *seq);
            emit conversationChanged(conversation_id);
        }
    } else if (e.type == QLatin1String("message.escalated")) {
        const QString status = text(e.body, "status");
        const qint64 at = integer(e.body, "escalated_at").value_or(now_ms());
        if (status != QLatin1String("escalated") && status != QLatin1String("target_missing"))
            return;
        if (guarded([&] { store_.set_escalation(conversation_id, *seq, status, at); }))
            emit messageChanged(conversation_id, *seq);
    }
}

}  // namespace wardline::client
