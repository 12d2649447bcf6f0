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
WARDLINE_CLINICAL_STATEMENT(presence_connections_drop_many)
WARDLINE_CLINICAL_STATEMENT(presence_connections_here)
WARDLINE_CLINICAL_STATEMENT(presence_connections_put_many)
WARDLINE_CLINICAL_STATEMENT(presence_lock_users)
WARDLINE_CLINICAL_STATEMENT(presence_node_check)
WARDLINE_CLINICAL_STATEMENT(presence_node_delete)
WARDLINE_CLINICAL_STATEMENT(presence_node_heartbeat)
WARDLINE_CLINICAL_STATEMENT(presence_node_lock)
WARDLINE_CLINICAL_STATEMENT(presence_node_register)
WARDLINE_CLINICAL_STATEMENT(presence_node_remove)
WARDLINE_CLINICAL_STATEMENT(presence_node_users)
WARDLINE_CLINICAL_STATEMENT(presence_nodes_dead)
WARDLINE_CLINICAL_STATEMENT(presence_of)
WARDLINE_CLINICAL_STATEMENT(presence_online_elsewhere)
WARDLINE_CLINICAL_STATEMENT(presence_peers)
WARDLINE_CLINICAL_STATEMENT(presence_statuses_clear_many)
WARDLINE_CLINICAL_STATEMENT(presence_status_put)
WARDLINE_CLINICAL_STATEMENT(template_count)
WARDLINE_CLINICAL_STATEMENT(template_delete)
WARDLINE_CLINICAL_STATEMENT(template_insert)
WARDLINE_CLINICAL_STATEMENT(template_update)
WARDLINE_CLINICAL_STATEMENT(templates_list)

#undef WARDLINE_CLINICAL_STATEMENT

}  // namespace wardline::server::clinical::sql
