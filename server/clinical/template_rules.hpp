// SPDX-License-Identifier: Apache-2.0
#pragma once
// The rules of a message template's texts (docs/oncall.md "Templates").
#include <cstdint>
#include <string>
#include <string_view>

namespace wardline::server::clinical {

inline constexpr std::int64_t kMaxTemplates = 200;  ///< per organization

/// Empty if `title` may title a template: 1..100 visible characters, no control, invisible or
/// text-direction characters.
std::string check_template_title(std::string_view title);
/// Empty if `body` may be a template's body: 1..2000 characters, not blank, line breaks
/// allowed and no other control, invisible or text-direction characters.
std::string check_template_body(std::string_view body);

}  // namespace wardline::server::clinical
