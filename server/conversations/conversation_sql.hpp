// SPDX-License-Identifier: Apache-2.0
#pragma once
// Accessors for the statements of server/storage/sql/conversations/, one per file.
#include "server/storage/statements.hpp"

namespace wardline::server::conversations::sql {

#define WARDLINE_CONV_STATEMENT(name)     \
    inline storage::Statement name() {    \
        return storage::statement(#name); \
    }
WARDLINE_CONV_STATEMENT(bg_get)
WARDLINE_CONV_STATEMENT(bg_insert)
WARDLINE_CONV_STATEMENT(bg_list)
WARDLINE_CONV_STATEMENT(bg_reviewers)
WARDLINE_CONV_STATEMENT(bg_revoke)
WARDLINE_CONV_STATEMENT(bg_target)
WARDLINE_CONV_STATEMENT(conv_active_users)
WARDLINE_CONV_STATEMENT(conv_archive)
WARDLINE_CONV_STATEMENT(conv_direct_find)
WARDLINE_CONV_STATEMENT(conv_discover)
WARDLINE_CONV_STATEMENT(conv_get)
WARDLINE_CONV_STATEMENT(conv_insert)
WARDLINE_CONV_STATEMENT(conv_known_roles)
WARDLINE_CONV_STATEMENT(conv_list)
WARDLINE_CONV_STATEMENT(conv_lock)
WARDLINE_CONV_STATEMENT(conv_member_remove)
WARDLINE_CONV_STATEMENT(conv_member_set_role)
WARDLINE_CONV_STATEMENT(conv_members_add)
WARDLINE_CONV_STATEMENT(conv_members_list)
WARDLINE_CONV_STATEMENT(conv_owner_succession)
WARDLINE_CONV_STATEMENT(conv_update)
WARDLINE_CONV_STATEMENT(patients_find)
#undef WARDLINE_CONV_STATEMENT

}  // namespace wardline::server::conversations::sql
