// SPDX-License-Identifier: Apache-2.0
#include "server/clinical/template_rules.hpp"

#include "server/identity/credentials.hpp"

namespace wardline::server::clinical {

std::string check_template_title(std::string_view title) {
    return identity::Credentials::check_profile_text(title, "title", 100, true);
}

std::string check_template_body(std::string_view body) {
    // Line by line, so that "\n" is the one control character allowed; the length bound is
    // the schema's (maxLength 2000) and the database's.
    bool visible = false;
    while (true) {
        const auto newline = body.find('\n');
        const std::string_view line = body.substr(0, newline);
        if (std::string rule = identity::Credentials::check_profile_text(line, "body", 2000, false);
            !rule.empty())
            return rule;
        visible =
            visible || identity::Credentials::check_profile_text(line, "body", 2000, true).empty();
        if (newline == std::string_view::npos) break;
        body.remove_prefix(newline + 1);
    }
    return visible ? std::string() : std::string("body must not be blank");
}

}  // namespace wardline::server::clinical
