// SPDX-License-Identifier: Apache-2.0
// What a notification about an incoming message says (client::notification_text): the priority
// always; the kind of conversation at the levels kind and sender; the sender's name only at the
// level sender; never the body, the conversation's title or a patient identifier, at any level,
// whatever they contain.
#include "client-qt/core/notification_text.hpp"

#include <QJsonObject>
#include <QString>

#include <gtest/gtest.h>

namespace wardline::client {
namespace {

const QStringList kinds = {"direct", "group", "channel", "patient", "announcement", "unknown"};
const Priority priorities[] = {Priority::routine, Priority::urgent, Priority::critical};
const NotificationDetail levels[] = {NotificationDetail::minimal, NotificationDetail::kind,
                                     NotificationDetail::sender};

NotificationPolicy at(NotificationDetail detail) {
    NotificationPolicy policy;
    policy.detail = detail;
    return policy;
}
const NotificationPolicy kSender = at(NotificationDetail::sender);

StoredConversation patient_thread(const QString& kind) {
    StoredConversation c;
    c.id = QStringLiteral("c1");
    c.kind = kind;
    c.title = QStringLiteral("Jane Roe, MRN 00451234, bed 12");
    c.patient = QJsonObject{{"name", "Jane Roe"},
                            {"mrn", "00451234"},
                            {"date_of_birth", "1961-04-02"},
                            {"bed", "Ward 4 bed 12"}};
    return c;
}

StoredMessage message_with_phi(Priority p) {
    StoredMessage m;
    m.conversation_id = QStringLiteral("c1");
    m.seq = 7;
    m.sender_user_id = QStringLiteral("u-sender");
    m.priority = p;
    m.body = QByteArrayLiteral("K+ 6.9 for MRN 00451234 (Jane Roe, DOB 1961-04-02), repeat now");
    return m;
}

/// Fragments of the body, title and patient identifiers: none may appear.
const QStringList protected_fragments = {"Jane", "Roe", "00451234", "1961",   "bed 12", "Ward 4",
                                         "K+",   "6.9", "MRN",      "repeat", "DOB",    "sender"};

TEST(NotificationText, NoLevelEverShowsTheBodyTitleOrPatientIdentifiers) {
    for (const auto& kind : kinds)
        for (const auto p : priorities)
            for (const auto level : levels) {
                const auto text = notification_text(patient_thread(kind), message_with_phi(p),
                                                    QStringLiteral("Dr Alice Adams"), at(level));
                for (const auto& fragment : protected_fragments) {
                    EXPECT_FALSE(text.title.contains(fragment, Qt::CaseInsensitive))
                        << kind.toStdString() << " " << fragment.toStdString();
                    EXPECT_FALSE(text.body.contains(fragment, Qt::CaseInsensitive))
                        << kind.toStdString() << " " << fragment.toStdString() << ": "
                        << text.body.toStdString();
                }
                EXPECT_EQ(text.body.contains("Alice Adams"), level == NotificationDetail::sender)
                    << kind.toStdString();
                EXPECT_FALSE(text.title.isEmpty());
                EXPECT_FALSE(text.body.isEmpty());
            }
}

TEST(NotificationText, EachLevelSaysExactlyWhatItAllows) {
    const auto c = patient_thread(QStringLiteral("patient"));
    const auto m = message_with_phi(Priority::urgent);
    const QString name = QStringLiteral("Dr Alice Adams");
    EXPECT_EQ(notification_text(c, m, name, at(NotificationDetail::minimal)),
              (NotificationText{"New urgent message", "Open Wardline to read it."}));
    EXPECT_EQ(notification_text(c, m, name, at(NotificationDetail::kind)),
              (NotificationText{"New urgent message", "In a patient thread"}));
    EXPECT_EQ(notification_text(c, m, name, at(NotificationDetail::sender)),
              (NotificationText{"New urgent message", "From Dr Alice Adams, in a patient thread"}));
    // minimal says nothing of the kind of conversation, whichever it is.
    for (const auto& kind : kinds) {
        const auto text =
            notification_text(patient_thread(kind), m, name, at(NotificationDetail::minimal));
        for (const char* word : {"patient", "group", "channel", "direct", "announcement", "From"})
            EXPECT_FALSE(text.body.contains(QLatin1String(word), Qt::CaseInsensitive)) << word;
    }
    // The default policy is the organization default: the kind, no sender.
    EXPECT_EQ(notification_text(c, m, name),
              notification_text(c, m, name, at(NotificationDetail::kind)));
}

TEST(NotificationText, LevelsAreReadFromTheSessionAndUnknownOnesShowTheLeast) {
    EXPECT_EQ(notification_detail_from_text("minimal"), NotificationDetail::minimal);
    EXPECT_EQ(notification_detail_from_text("kind"), NotificationDetail::kind);
    EXPECT_EQ(notification_detail_from_text("sender"), NotificationDetail::sender);
    for (const char* other : {"", "full", "Sender", "body", " kind"})
        EXPECT_EQ(notification_detail_from_text(QString::fromLatin1(other)),
                  NotificationDetail::minimal)
            << other;
    for (const auto level : levels) EXPECT_EQ(notification_detail_from_text(to_text(level)), level);
    // A session without the fields (the server could not read them): the least, no quiet hours.
    EXPECT_EQ(notification_policy_from_session(QJsonObject{}).detail, NotificationDetail::minimal);
    EXPECT_FALSE(notification_policy_from_session(QJsonObject{}).quiet_hours.enabled);
    const QJsonObject session{{"notification_detail", "sender"},
                              {"quiet_hours", QJsonObject{{"enabled", true},
                                                          {"start_minute", 1320},
                                                          {"end_minute", 390},
                                                          {"time_zone", "Europe/Berlin"}}}};
    const auto policy = notification_policy_from_session(session);
    EXPECT_EQ(policy.detail, NotificationDetail::sender);
    EXPECT_EQ(policy.quiet_hours, (QuietHours{true, 1320, 390, "Europe/Berlin"}));
}

TEST(NotificationText, SaysThePriorityAndTheKindOfConversation) {
    const auto text = [](const char* kind, Priority p) {
        return notification_text(patient_thread(QString::fromLatin1(kind)), message_with_phi(p),
                                 QStringLiteral("Dr Alice Adams"));
    };
    EXPECT_EQ(text("patient", Priority::critical),
              (NotificationText{"New critical message", "In a patient thread"}));
    EXPECT_EQ(text("group", Priority::urgent),
              (NotificationText{"New urgent message", "In a group"}));
    EXPECT_EQ(text("direct", Priority::routine),
              (NotificationText{"New message", "A direct message"}));
    EXPECT_EQ(text("channel", Priority::routine).body, "In a channel");
    EXPECT_EQ(text("announcement", Priority::routine).body, "In an announcement");
    EXPECT_EQ(text("something-new", Priority::routine).body, "In Wardline");
    EXPECT_EQ(text("", Priority::urgent).body, "In Wardline");
}

TEST(NotificationText, TheSenderOnlyWhenAllowedAndOnOneLine) {
    const auto c = patient_thread(QStringLiteral("patient"));
    const auto m = message_with_phi(Priority::urgent);
    EXPECT_EQ(notification_text(c, m, QStringLiteral("Dr Alice Adams"), kSender),
              (NotificationText{"New urgent message", "From Dr Alice Adams, in a patient thread"}));
    // A name cannot fake a second line or push the place out.
    const auto forged =
        notification_text(c, m, QStringLiteral("Dr A\nPatient: Jane Roe\u2028\u202e%2"), kSender);
    EXPECT_FALSE(forged.body.contains('\n'));
    EXPECT_FALSE(forged.body.contains(QChar(0x2028)));
    EXPECT_FALSE(forged.body.contains(QChar(0x202e)));
    EXPECT_TRUE(forged.body.endsWith(", in a patient thread")) << forged.body.toStdString();
    const auto long_name = notification_text(c, m, QString(500, 'x'), kSender);
    EXPECT_LE(long_name.body.size(), 64 + 30);
    // No name known: the place alone.
    EXPECT_EQ(notification_text(c, m, QString(), kSender).body, "In a patient thread");
    EXPECT_EQ(notification_text(c, m, QStringLiteral(" \n\t "), kSender).body,
              "In a patient thread");
}

TEST(NotificationText, SeveralMessagesAreCountedWithTheMostPressingPriority) {
    EXPECT_EQ(notification_text_for_several(3, Priority::routine),
              (NotificationText{"3 new messages", "Open Wardline to read them."}));
    EXPECT_EQ(notification_text_for_several(2, Priority::urgent).body, "At least one is urgent.");
    EXPECT_EQ(notification_text_for_several(12, Priority::critical).body,
              "At least one is critical.");
}

}  // namespace
}  // namespace wardline::client
