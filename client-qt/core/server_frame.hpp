// SPDX-License-Identifier: Apache-2.0
#pragma once
// What the server sends on the WebSocket (proto/wardline.schema.json "envelope"): a response
// to one request, or an event. Anything else is refused here, so the connection never acts on
// a frame it does not understand.
#include <QJsonObject>
#include <QString>

#include <cstdint>
#include <optional>
#include <variant>

namespace wardline::client {

struct ServerResponse {
    QString id;  ///< the request's id; empty when the server could not read one
    bool ok = false;
    QJsonObject body;       ///< when ok
    QString error_code;     ///< when not ok: one of the protocol's error codes
    QString error_message;  ///< when not ok: human-readable, never request content
};

struct ServerEvent {
    QString type;
    std::int64_t seq = 0;  ///< 1 for the first event on a connection, then +1 each
    QJsonObject body;
};

/// Why a frame was refused (for the log: never the frame's content).
struct FrameError {
    QString reason;
};

using ServerFrame = std::variant<ServerResponse, ServerEvent, FrameError>;

/// Parses one text frame. At most `max_bytes` are accepted.
ServerFrame parse_server_frame(const QByteArray& frame, qsizetype max_bytes = 1 << 20);

}  // namespace wardline::client
