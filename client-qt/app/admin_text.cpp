// SPDX-License-Identifier: Apache-2.0
#include "client-qt/app/admin_text.hpp"

namespace wardline::app {

QString admin_message_for(const QString& code, const QString& server_message) {
    if (code == QLatin1String("forbidden"))
        return QStringLiteral("Your roles do not allow this. Ask an administrator who may.");
    if (code == QLatin1String("not_found"))
        return QStringLiteral("That user is not in your organization any more. Refresh the list.");
    if (code == QLatin1String("unauthenticated"))
        return QStringLiteral("Your session has ended. Sign in again.");
    if (code == QLatin1String("rate_limited"))
        return QStringLiteral("Too many requests. Wait a minute, then try again.");
    if (code == QLatin1String("timeout") || code == QLatin1String("unavailable"))
        return QStringLiteral(
            "The Wardline server cannot be reached, so nothing was changed for sure. Check the "
            "list before trying again.");
    if (code == QLatin1String("tls_refused"))
        return QStringLiteral("The server's identity could not be verified. Call IT.");
    // conflict (a username already taken or confusable), bad_request (a field breaks a rule):
    // the server's own words name the field and the rule, never the value.
    if (!server_message.isEmpty()) return server_message;
    return QStringLiteral("The server refused this (%1).").arg(code);
}

QStringList default_roles() {
    return {QStringLiteral("nurse"),      QStringLiteral("physician"),
            QStringLiteral("front_desk"), QStringLiteral("billing"),
            QStringLiteral("admin"),      QStringLiteral("compliance_officer")};
}

}  // namespace wardline::app
