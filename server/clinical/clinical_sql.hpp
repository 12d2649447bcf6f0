// SPDX-License-Identifier: Apache-2.0
#pragma once
// Accessors for the statements of server/storage/sql/clinical/, one per file.
#include "server/storage/statements.hpp"

namespace wardline::server::clinical::sql {

#define WARDLINE_CLINICAL_STATEMENT(name) \
    inline storage::Statement name() {    \
        return storage::statement(#name); \
    }

WARDLINE_CLINICAL_STATEMENT(directory_search)
WARDLINE_CLINICAL_STATEMENT(oncall_now)
WARDLINE_CLINICAL_STATEMENT(oncall_org_by_name)
WARDLINE_CLINICAL_STATEMENT(oncall_shift_conflict)
WARDLINE_CLINICAL_STATEMENT(oncall_shift_delete)
WARDLINE_CLINICAL_STATEMENT(oncall_shift_insert)
WARDLINE_CLINICAL_STATEMENT(oncall_shift_user)
WARDLINE_CLINICAL_STATEMENT(oncall_shift_user_by_name)
WARDLINE_CLINICAL_STATEMENT(oncall_shifts_list)
WARDLINE_CLINICAL_STATEMENT(oncall_team_by_name)
WARDLINE_CLINICAL_STATEMENT(oncall_team_count)
WARDLINE_CLINICAL_STATEMENT(oncall_team_get)
WARDLINE_CLINICAL_STATEMENT(oncall_team_insert)
WARDLINE_CLINICAL_STATEMENT(oncall_team_lock)
WARDLINE_CLINICAL_STATEMENT(oncall_teams_list)
WARDLINE_CLINICAL_STATEMENT(presence_peers)
WARDLINE_CLINICAL_STATEMENT(template_count)
WARDLINE_CLINICAL_STATEMENT(template_delete)
WARDLINE_CLINICAL_STATEMENT(template_insert)
WARDLINE_CLINICAL_STATEMENT(template_update)
WARDLINE_CLINICAL_STATEMENT(templates_list)

#undef WARDLINE_CLINICAL_STATEMENT

}  // namespace wardline::server::clinical::sql
