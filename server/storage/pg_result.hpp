// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <libpq-fe.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace wardline::server::storage {

/// Owns one PGresult (text-format cells). Cell readers take (row, column) and throw
/// std::out_of_range on bad indexes and std::invalid_argument on a NULL or malformed cell
/// where a value is required: both are bugs in the caller's SQL or expectations.
class PgResult {
public:
    PgResult() = default;
    explicit PgResult(PGresult* result) noexcept : result_(result) {}
    PgResult(PgResult&& other) noexcept : result_(std::exchange(other.result_, nullptr)) {}
    PgResult& operator=(PgResult&& other) noexcept;
    PgResult(const PgResult&) = delete;
    PgResult& operator=(const PgResult&) = delete;
    ~PgResult();

    int rows() const noexcept;
    int columns() const noexcept;
    /// Rows affected by INSERT/UPDATE/DELETE (PQcmdTuples), 0 if not applicable.
    std::int64_t affected_rows() const noexcept;
    /// The column's index by name, or -1.
    int column(const char* name) const noexcept;

    bool is_null(int row, int col) const;
    /// The cell's text; nullopt for NULL. The view lives as long as this result.
    std::optional<std::string_view> text(int row, int col) const;
    /// The cell's text; throws for NULL.
    std::string_view text_or_throw(int row, int col) const;
    std::int64_t int64(int row, int col) const;
    bool boolean(int row, int col) const;
    /// A bytea cell (text format `\x…` hex) decoded to bytes.
    std::vector<std::byte> bytea(int row, int col) const;

    PGresult* get() const noexcept { return result_; }
    explicit operator bool() const noexcept { return result_ != nullptr; }

private:
    void check(int row, int col) const;
    PGresult* result_ = nullptr;
};

}  // namespace wardline::server::storage
