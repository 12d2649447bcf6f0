// SPDX-License-Identifier: Apache-2.0
#include "common/core/errc.hpp"

#include <array>
#include <string>
#include <utility>

namespace wardline {
namespace {

constexpr std::array<std::pair<Errc, std::string_view>, 20> kCodes{{
    {Errc::bad_request, "bad_request"},
    {Errc::unknown_type, "unknown_type"},
    {Errc::unauthenticated, "unauthenticated"},
    {Errc::forbidden, "forbidden"},
    {Errc::not_found, "not_found"},
    {Errc::conflict, "conflict"},
    {Errc::password_rejected, "password_rejected"},
    {Errc::rate_limited, "rate_limited"},
    {Errc::too_many_in_flight, "too_many_in_flight"},
    {Errc::unavailable, "unavailable"},
    {Errc::shutting_down, "shutting_down"},
    {Errc::stale_epoch, "stale_epoch"},
    {Errc::internal, "internal"},
    {Errc::archived, "archived"},
    {Errc::device_quarantined, "device_quarantined"},
    {Errc::device_proof_failed, "device_proof_failed"},
    {Errc::account_locked, "account_locked"},
    {Errc::account_suspended, "account_suspended"},
    {Errc::account_deactivated, "account_deactivated"},
    {Errc::device_revoked, "device_revoked"},
}};

// boost::system::error_category has a protected non-virtual destructor by design (categories
// are never deleted through a base pointer), which -Wnon-virtual-dtor reports.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class Category final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "wardline"; }
    std::string message(int ev) const override {
        return std::string(to_code(static_cast<Errc>(ev)));
    }
};
#pragma GCC diagnostic pop

}  // namespace

std::string_view to_code(Errc e) noexcept {
    for (const auto& [value, code] : kCodes)
        if (value == e) return code;
    return "internal";
}

std::optional<Errc> errc_from_code(std::string_view code) noexcept {
    for (const auto& [value, name] : kCodes)
        if (name == code) return value;
    return std::nullopt;
}

const boost::system::error_category& wardline_category() noexcept {
    static const Category category;
    return category;
}

}  // namespace wardline
