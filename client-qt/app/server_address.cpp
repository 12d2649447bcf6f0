// SPDX-License-Identifier: Apache-2.0
#include "client-qt/app/server_address.hpp"

namespace wardline::app {

std::optional<QUrl> server_url(const QString& input) {
    QString text = input.trimmed();
    if (text.isEmpty() || text.contains(QLatin1Char(' '))) return std::nullopt;
    if (!text.contains(QLatin1String("://"))) text.prepend(QLatin1String("wss://"));
    QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || url.scheme() != QLatin1String("wss") || url.host().isEmpty() ||
        !url.userInfo().isEmpty() || url.hasQuery() || url.hasFragment())
        return std::nullopt;
    if (url.port() == -1) url.setPort(kDefaultPort);
    if (url.path().isEmpty() || url.path() == QLatin1String("/"))
        url.setPath(QStringLiteral("/v1/ws"));
    if (url.path() != QLatin1String("/v1/ws")) return std::nullopt;
    return url;
}

}  // namespace wardline::app
