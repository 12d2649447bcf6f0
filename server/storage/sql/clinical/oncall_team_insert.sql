-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 team name. The new team's id; no row when the organization has a team of that
-- name (ignoring case) already.
INSERT INTO oncall_teams (org_id, name) VALUES ($1, $2)
ON CONFLICT (org_id, lower(name)) DO NOTHING
RETURNING id, name
