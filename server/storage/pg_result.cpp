// SPDX-License-Identifier: Apache-2.0
#include "server/storage/pg_result.hpp"

#include <charconv>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <utility>

namespace wardline::server::storage {
namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

PgResult& PgResult::operator=(PgResult&& other) noexcept {
    if (this != &other) {
        if (result_) PQclear(result_);
        result_ = std::exchange(other.result_, nullptr);
    }
    return *this;
}

PgResult::~PgResult() {
    if (result_) PQclear(result_);
}

int PgResult::rows() const noexcept { return result_ ? PQntuples(result_) : 0; }

int PgResult::columns() const noexcept { return result_ ? PQnfields(result_) : 0; }

std::int64_t PgResult::affected_rows() const noexcept {
    if (!result_) return 0;
    const char* s = PQcmdTuples(result_);
    std::int64_t n = 0;
    std::from_chars(s, s + std::char_traits<char>::length(s), n);
    return n;
}

int PgResult::column(const char* name) const noexcept {
    return result_ ? PQfnumber(result_, name) : -1;
}

void PgResult::check(int row, int col) const {
    if (row < 0 || row >= rows() || col < 0 || col >= columns())
        throw std::out_of_range("PgResult: cell (" + std::to_string(row) + ", " +
                                std::to_string(col) + ") out of range");
}

bool PgResult::is_null(int row, int col) const {
    check(row, col);
    return PQgetisnull(result_, row, col) != 0;
}

std::optional<std::string_view> PgResult::text(int row, int col) const {
    if (is_null(row, col)) return std::nullopt;
    return std::string_view(PQgetvalue(result_, row, col),
                            static_cast<std::size_t>(PQgetlength(result_, row, col)));
}

std::string_view PgResult::text_or_throw(int row, int col) const {
    auto t = text(row, col);
    if (!t) throw std::invalid_argument("PgResult: unexpected NULL cell");
    return *t;
}

std::int64_t PgResult::int64(int row, int col) const {
    auto t = text_or_throw(row, col);
    std::int64_t value = 0;
    auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
    if (ec != std::errc{} || ptr != t.data() + t.size())
        throw std::invalid_argument("PgResult: cell is not an integer");
    return value;
}

bool PgResult::boolean(int row, int col) const {
    auto t = text_or_throw(row, col);
    if (t == "t") return true;
    if (t == "f") return false;
    throw std::invalid_argument("PgResult: cell is not a boolean");
}

std::vector<std::byte> PgResult::bytea(int row, int col) const {
    auto t = text_or_throw(row, col);
    if (!t.starts_with("\\x") || t.size() % 2 != 0)
        throw std::invalid_argument("PgResult: cell is not hex-format bytea");
    std::vector<std::byte> out;
    out.reserve((t.size() - 2) / 2);
    for (std::size_t i = 2; i < t.size(); i += 2) {
        int hi = hex_value(t[i]);
        int lo = hex_value(t[i + 1]);
        if (hi < 0 || lo < 0) throw std::invalid_argument("PgResult: bad hex in bytea cell");
        out.push_back(static_cast<std::byte>(hi * 16 + lo));
    }
    return out;
}

}  // namespace wardline::server::storage
