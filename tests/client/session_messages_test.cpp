// SPDX-License-Identifier: Apache-2.0
// The words a clinician reads when a session ends: every reason the protocol can send has its
// own message (read from proto/wardline.schema.json, so a new reason without one fails here).
#include "client-qt/core/session.hpp"

#include <gtest/gtest.h>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <set>
#include <stdexcept>

namespace wardline::client {
namespace {

QStringList session_end_reasons() {
    QFile f(QStringLiteral(WARDLINE_SCHEMA));
    if (!f.open(QIODevice::ReadOnly)) throw std::runtime_error("cannot read the schema");
    const auto schema = QJsonDocument::fromJson(f.readAll()).object();
    const auto reasons =
        schema[QStringLiteral("events")][QStringLiteral("auth.session_ended")][QStringLiteral(
            "body")][QStringLiteral("properties")][QStringLiteral("reason")][QStringLiteral("enum")]
            .toArray();
    QStringList out;
    for (const auto& r : reasons) out << r.toString();
    return out;
}

TEST(SessionMessages, EveryEndReasonOfTheProtocolHasItsOwnMessage) {
    const QStringList reasons = session_end_reasons();
    ASSERT_GE(reasons.size(), 10) << "the schema's auth.session_ended reasons were not found";
    ASSERT_TRUE(reasons.contains(QStringLiteral("account_locked")));
    const QString fallback = Session::message_for_end(QStringLiteral("no_such_reason"));
    std::set<QString> seen;
    for (const auto& r : reasons) {
        const QString m = Session::message_for_end(r);
        EXPECT_NE(m, fallback) << r.toStdString() << " has no message of its own";
        EXPECT_TRUE(seen.insert(m).second) << r.toStdString() << " shares its message";
    }
    EXPECT_NE(Session::message_for_end(QStringLiteral("resume_refused")), fallback);
}

TEST(SessionMessages, ReasonsThatNeedITSaySo) {
    for (const char* r : {"user_suspended", "user_deactivated", "device_revoked", "account_locked"})
        EXPECT_TRUE(Session::message_for_end(QLatin1String(r)).contains(QLatin1String("IT"))) << r;
}

}  // namespace
}  // namespace wardline::client
