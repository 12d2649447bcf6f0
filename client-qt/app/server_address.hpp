// SPDX-License-Identifier: Apache-2.0
#pragma once
// What the user types as the server address ("wardline.example.org", "host:8443",
// "wss://host:8443/v1/ws") turned into the WebSocket URL the client connects to. Only wss:
// a plain ws:// or http:// address is refused rather than silently upgraded.
#include <QUrl>

#include <optional>

namespace wardline::app {

inline constexpr int kDefaultPort = 8443;

/// The wss:// URL for `input`, or nothing when it is not a usable address.
std::optional<QUrl> server_url(const QString& input);

}  // namespace wardline::app
