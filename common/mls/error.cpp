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
        case Error::decryption_failed:
            return "decryption_failed";
        case Error::invalid_leaf:
            return "invalid_leaf";
        case Error::generation_expired:
            return "generation_expired";
        case Error::generation_too_far:
            return "generation_too_far";
        case Error::invalid_tree:
            return "invalid_tree";
        case Error::invalid_parent_hash:
            return "invalid_parent_hash";
        case Error::invalid_update_path:
            return "invalid_update_path";
        case Error::invalid_signature:
            return "invalid_signature";
        case Error::not_for_us:
            return "not_for_us";
        case Error::invalid_proposal:
            return "invalid_proposal";
        case Error::unknown_proposal:
            return "unknown_proposal";
        case Error::invalid_key_package:
            return "invalid_key_package";
        case Error::missing_psk:
            return "missing_psk";
        case Error::invalid_commit:
            return "invalid_commit";
        case Error::unsupported:
            return "unsupported";
        case Error::reinitialized:
            return "reinitialized";
        case Error::invalid_value:
            return "invalid_value";
        case Error::invalid_optional:
            return "invalid_optional";
        case Error::invalid_membership_tag:
            return "invalid_membership_tag";
        case Error::invalid_confirmation_tag:
            return "invalid_confirmation_tag";
        case Error::invalid_padding:
            return "invalid_padding";
        case Error::wrong_group:
            return "wrong_group";
        case Error::wrong_epoch:
            return "wrong_epoch";
        case Error::invalid_wire_format:
            return "invalid_wire_format";
        case Error::invalid_sender:
            return "invalid_sender";
        case Error::missing_external_pub:
            return "missing_external_pub";
    }
    return "unknown";
}

void throw_exception_from_error(Error e, const boost::source_location& loc) {
    throw std::logic_error("wardline::mls: value() of a failed Result (" +
                           std::string(to_string(e)) + ") at " + loc.file_name() + ":" +
                           std::to_string(loc.line()));
}

}  // namespace wardline::mls
