// SPDX-License-Identifier: Apache-2.0
#pragma once
// Plain words for the administrator views: what a refused users.* request means and what to
// do, and the roles an administrator can give (docs/permissions.md).
#include <QString>
#include <QStringList>

namespace wardline::app {

/// The message for a refused administrative request (protocol error `code`, the server's
/// message, which never repeats request content).
QString admin_message_for(const QString& code, const QString& server_message);

/// The default roles of every organization, in the order the admin view offers them.
QStringList default_roles();

/// Permissions that decide which administrator views and actions are shown (the server
/// checks them again on every request).
inline const QString kUsersRead = QStringLiteral("users.read");
inline const QString kUsersManage = QStringLiteral("users.manage");
inline const QString kUsersCredentials = QStringLiteral("users.credentials");
inline const QString kRolesAssign = QStringLiteral("roles.assign");
inline const QString kDevicesManage = QStringLiteral("devices.manage");
inline const QString kAuditRead = QStringLiteral("audit.read");
inline const QString kOrgSettings = QStringLiteral("org.settings");
inline const QString kRetentionManage = QStringLiteral("retention.manage");
inline const QString kLegalHoldManage = QStringLiteral("legal_hold.manage");

}  // namespace wardline::app
