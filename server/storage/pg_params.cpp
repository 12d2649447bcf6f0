// SPDX-License-Identifier: Apache-2.0
#include "server/storage/pg_params.hpp"

namespace wardline::server::storage {

PgParams::PgParams(std::initializer_list<std::string_view> texts) {
    values_.reserve(texts.size());
    for (auto t : texts) text(t);
}

PgParams& PgParams::text(std::string_view value) {
    values_.push_back(Value{std::string(value), false, false});
    return *this;
}

PgParams& PgParams::binary(std::span<const std::byte> value) {
    values_.push_back(Value{std::string(reinterpret_cast<const char*>(value.data()), value.size()),
                            false, true});
    return *this;
}

PgParams& PgParams::integer(std::int64_t value) { return text(std::to_string(value)); }

PgParams& PgParams::boolean(bool value) { return text(value ? "t" : "f"); }

PgParams& PgParams::null() {
    values_.push_back(Value{{}, true, false});
    return *this;
}

PgParams& PgParams::optional_text(const std::optional<std::string>& value) {
    return value ? text(*value) : null();
}

PgParams::View PgParams::view() const {
    View v;
    v.values.reserve(values_.size());
    v.lengths.reserve(values_.size());
    v.formats.reserve(values_.size());
    for (const auto& value : values_) {
        v.values.push_back(value.is_null ? nullptr : value.bytes.c_str());
        v.lengths.push_back(static_cast<int>(value.bytes.size()));
        v.formats.push_back(value.is_binary ? 1 : 0);
    }
    return v;
}

}  // namespace wardline::server::storage
