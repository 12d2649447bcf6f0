-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 team id. The team's name.
SELECT id, name FROM oncall_teams WHERE org_id = $1 AND id = $2
