// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wardline::server::storage {

/// Parameters of one prepared statement execution, in $1..$n order. Values are owned, so a
/// PgParams can be moved into a coroutine. Text format except for binary() (bytea), which
/// travels as raw bytes without escaping.
class PgParams {
public:
    PgParams() = default;
    /// Text parameters, e.g. `PgParams{"alice", "42"}`. Inside a coroutine, declare it as a
    /// local before the co_await: GCC 12 miscompiles braced temporaries in co_await
    /// expressions ("array used as initializer").
    PgParams(std::initializer_list<std::string_view> texts);

    PgParams& text(std::string_view value);             ///< text format
    PgParams& binary(std::span<const std::byte> value);  ///< binary format (bytea)
    PgParams& integer(std::int64_t value);               ///< decimal text
    PgParams& boolean(bool value);                       ///< "t" / "f"
    PgParams& null();                                    ///< SQL NULL
    PgParams& optional_text(const std::optional<std::string>& value);

    std::size_t size() const noexcept { return values_.size(); }

    /// The arrays PQsendQueryPrepared takes; valid until this object changes.
    struct View {
        std::vector<const char*> values;
        std::vector<int> lengths;
        std::vector<int> formats;
    };
    View view() const;

private:
    struct Value {
        std::string bytes;
        bool is_null = false;
        bool is_binary = false;
    };
    std::vector<Value> values_;
};

}  // namespace wardline::server::storage
