// SPDX-License-Identifier: Apache-2.0
#include "client-qt/core/server_frame.hpp"

#include <QJsonDocument>
#include <QJsonParseError>
#include <QJsonValue>

#include <cmath>

namespace wardline::client {
namespace {

FrameError refused(const char* reason) {
    return FrameError{QString::fromLatin1(reason)};
}

}  // namespace

ServerFrame parse_server_frame(const QByteArray& frame, qsizetype max_bytes) {
    if (frame.size() > max_bytes) return refused("frame too large");
    QJsonParseError error{};
    const auto doc = QJsonDocument::fromJson(frame, &error);
    if (error.error != QJsonParseError::NoError) return refused("not JSON");
    if (!doc.isObject()) return refused("not a JSON object");
    const QJsonObject o = doc.object();

    if (o.contains(QLatin1String("event"))) {
        const auto type = o.value(QLatin1String("event"));
        const auto seq = o.value(QLatin1String("seq"));
        const auto body = o.value(QLatin1String("body"));
        if (!type.isString() || type.toString().isEmpty()) return refused("event without a type");
        // JSON numbers are doubles here: a seq must be a whole number that a double holds
        // exactly (below 2^53).
        if (!seq.isDouble() || seq.toDouble() < 1 || seq.toDouble() > 9007199254740991.0 ||
            std::floor(seq.toDouble()) != seq.toDouble())
            return refused("event without a valid seq");
        if (!body.isObject()) return refused("event without a body object");
        return ServerEvent{type.toString(), static_cast<std::int64_t>(seq.toDouble()),
                           body.toObject()};
    }

    const auto status = o.value(QLatin1String("status"));
    if (!status.isString()) return refused("neither a response nor an event");
    const auto id = o.value(QLatin1String("id"));
    if (!id.isString() && !id.isNull()) return refused("response id is not a string");
    ServerResponse r;
    r.id = id.toString();
    if (status.toString() == QLatin1String("ok")) {
        const auto body = o.value(QLatin1String("body"));
        if (!body.isObject() && !body.isUndefined())
            return refused("response body is not an object");
        r.ok = true;
        r.body = body.toObject();
        return r;
    }
    if (status.toString() != QLatin1String("error")) return refused("unknown response status");
    const auto err = o.value(QLatin1String("error"));
    if (!err.isObject()) return refused("error response without an error object");
    const auto code = err.toObject().value(QLatin1String("code"));
    if (!code.isString() || code.toString().isEmpty()) return refused("error without a code");
    r.error_code = code.toString();
    r.error_message = err.toObject().value(QLatin1String("message")).toString();
    return r;
}

}  // namespace wardline::client
