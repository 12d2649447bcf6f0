// SPDX-License-Identifier: Apache-2.0
#pragma once
// Associated data that binds a sealed column of the local store to its place (docs/client.md,
// "Local store"): the store (account), the table, the column and the row's identity (such as
// conversation id and sequence). A sealed value moved to another row, column, table or
// account no longer opens. Fields are length-prefixed, so no two lists encode alike.
#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <initializer_list>

namespace wardline::client {

/// "wardline.local-store.v1" followed by each field as a 4-byte big-endian length and its bytes.
QByteArray row_binding(std::initializer_list<QByteArrayView> fields);

/// A number as a field of row_binding (decimal ASCII).
inline QByteArray binding_number(qint64 n) {
    return QByteArray::number(n);
}

}  // namespace wardline::client
