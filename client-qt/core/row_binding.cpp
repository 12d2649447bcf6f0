// SPDX-License-Identifier: Apache-2.0
#include "client-qt/core/row_binding.hpp"

namespace wardline::client {

QByteArray row_binding(std::initializer_list<QByteArrayView> fields) {
    QByteArray out("wardline.local-store.v1");
    for (const auto& f : fields) {
        const auto n = static_cast<quint32>(f.size());
        const char len[4] = {static_cast<char>(n >> 24), static_cast<char>(n >> 16),
                             static_cast<char>(n >> 8), static_cast<char>(n)};
        out.append(len, 4);
        out.append(f.data(), f.size());
    }
    return out;
}

}  // namespace wardline::client
