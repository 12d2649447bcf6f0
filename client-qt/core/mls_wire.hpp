// SPDX-License-Identifier: Apache-2.0
#pragma once
// The MLS library's bytes as the protocol carries them: MLSMessages in base64 (RFC 4648 §4,
// padded) inside JSON, and conversions between the library's wiping byte buffer and Qt's.
#include "common/mls/framing.hpp"

#include <QByteArray>
#include <QString>

#include <optional>

namespace wardline::client {

mls::Bytes to_mls_bytes(const QByteArray& bytes);
QByteArray to_qbytes(mls::ByteView bytes);

/// Strict base64 (no stray characters) of at most `max_bytes` decoded bytes; nullopt otherwise.
std::optional<QByteArray> decode_base64(const QString& text, qsizetype max_bytes);

/// An MLSMessage from its base64 text; nullopt for anything that is not exactly one.
std::optional<mls::MLSMessage> mls_from_base64(const QString& text, qsizetype max_bytes);
/// The base64 text of an MLSMessage; empty if it does not encode (a bug).
QString mls_to_base64(const mls::MLSMessage& message);

/// A fresh lower-case UUID, e.g. for client_msg_id.
QString new_uuid();

}  // namespace wardline::client
