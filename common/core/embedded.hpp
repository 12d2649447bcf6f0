// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <span>
#include <string_view>

namespace wardline::embedded {

/// A text file compiled into the binary by cmake/EmbedFiles.cmake.
struct EmbeddedFile {
    std::string_view name;      ///< file name without directory, e.g. "0001_init.sql"
    std::string_view contents;  ///< the file's bytes, unchanged
};

/// The protocol schema, proto/wardline.schema.json.
std::span<const EmbeddedFile> protocol_schema();
/// The numbered migrations, migrations/NNNN_*.sql, in order.
std::span<const EmbeddedFile> migrations();

}  // namespace wardline::embedded
