// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>
#include <optional>
#include <string_view>

namespace wardline {

/// The error vocabulary of Wardline, one to one with proto/wardline.schema.json "errors".
/// Every value is a stable machine code on the wire (see to_code()).
enum class Errc {
    bad_request = 1,    ///< frame or body malformed, wrong shape, or outside limits
    unknown_type,       ///< the request type is not part of the protocol
    unauthenticated,    ///< no valid session for a request that needs one
    forbidden,          ///< authenticated but not permitted
    not_found,          ///< the addressed object does not exist (or is not visible)
    conflict,           ///< a uniqueness or state conflict
    password_rejected,  ///< a new password breaks the password rules
    rate_limited,       ///< too many requests; retry later
    too_many_in_flight, ///< the connection has too many unanswered requests
    unavailable,        ///< a dependency (the database) is not reachable; retry later
    shutting_down,      ///< the server is stopping and accepts no new requests
    stale_epoch,        ///< an MLS handshake message for an epoch the group has left
    internal,           ///< a bug on the server side; logged with a correlation id
    archived,           ///< the conversation is archived and takes no changes
    device_quarantined, ///< the session's device is quarantined or ordered to wipe
    device_proof_failed,  ///< auth.login without a valid device signature over the challenge
    account_locked,       ///< right password, but the account is locked (failed attempts)
    account_suspended,    ///< right password, but an administrator suspended the account
    account_deactivated,  ///< right password, but the account is deactivated
    device_revoked,       ///< right password, but the device is revoked or wiped (keep last:
                          ///< tests/unit/common/proto_schema_test.cpp iterates up to it)
};

/// Stable wire name of an error code, e.g. "bad_request".
std::string_view to_code(Errc e) noexcept;
/// Parses a wire name; nullopt if unknown.
std::optional<Errc> errc_from_code(std::string_view code) noexcept;

const boost::system::error_category& wardline_category() noexcept;

inline boost::system::error_code make_error_code(Errc e) noexcept {
    return {static_cast<int>(e), wardline_category()};
}

template <class T>
using Result = boost::system::result<T>;

}  // namespace wardline

template <>
struct boost::system::is_error_code_enum<wardline::Errc> : std::true_type {};
