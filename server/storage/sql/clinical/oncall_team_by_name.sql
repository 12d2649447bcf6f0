-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 team name (any case). The team's id and name as stored.
SELECT id, name FROM oncall_teams WHERE org_id = $1 AND lower(name) = lower($2)
