// SPDX-License-Identifier: Apache-2.0
#include "client-qt/core/mls_wire.hpp"

#include "common/mls/struct_codec.hpp"

#include <QUuid>

namespace wardline::client {

mls::Bytes to_mls_bytes(const QByteArray& bytes) {
    const auto* p = reinterpret_cast<const std::uint8_t*>(bytes.constData());
    return mls::Bytes(p, p + bytes.size());
}

QByteArray to_qbytes(mls::ByteView bytes) {
    return QByteArray(reinterpret_cast<const char*>(bytes.data()),
                      static_cast<qsizetype>(bytes.size()));
}

std::optional<QByteArray> decode_base64(const QString& text, qsizetype max_bytes) {
    // Four characters carry three bytes: refuse oversized text before decoding it.
    if (text.isEmpty() || text.size() > (max_bytes + 2) / 3 * 4) return std::nullopt;
    auto decoded =
        QByteArray::fromBase64Encoding(text.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || decoded.decoded.size() > max_bytes) return std::nullopt;
    // fromBase64 accepts unpadded input; the protocol's base64 is padded.
    if (text.size() % 4 != 0) return std::nullopt;
    return std::move(decoded.decoded);
}

std::optional<mls::MLSMessage> mls_from_base64(const QString& text, qsizetype max_bytes) {
    const auto bytes = decode_base64(text, max_bytes);
    if (!bytes) return std::nullopt;
    const mls::Bytes raw = to_mls_bytes(*bytes);
    auto message = mls::deserialize_mls_message(raw);
    if (!message) return std::nullopt;
    return std::move(*message);
}

QString mls_to_base64(const mls::MLSMessage& message) {
    auto bytes = mls::serialize(message);
    if (!bytes) return {};
    return QString::fromLatin1(to_qbytes(*bytes).toBase64());
}

QString new_uuid() {
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

}  // namespace wardline::client
