// SPDX-License-Identifier: Apache-2.0
#include "common/mls/error.hpp"

#include <stdexcept>
#include <string>

namespace wardline::mls {

std::string_view to_string(Error e) noexcept {
    switch (e) {
        case Error::truncated:
            return "truncated";
        case Error::invalid_varint:
            return "invalid_varint";
        case Error::non_minimal_varint:
            return "non_minimal_varint";
        case Error::length_too_large:
            return "length_too_large";
        case Error::trailing_data:
            return "trailing_data";
        case Error::value_too_large:
            return "value_too_large";
        case Error::invalid_key:
            return "invalid_key";
    }
    return "unknown";
}

void throw_exception_from_error(Error e, const boost::source_location& loc) {
    throw std::logic_error("wardline::mls: value() of a failed Result (" +
                           std::string(to_string(e)) + ") at " + loc.file_name() + ":" +
                           std::to_string(loc.line()));
}

}  // namespace wardline::mls
