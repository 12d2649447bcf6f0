-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 team id, $3 user id, $4 role, $5 start and $6 end (seconds since the Unix epoch).
INSERT INTO oncall_shifts (org_id, team_id, user_id, role, start_at, end_at)
VALUES ($1, $2, $3, $4, to_timestamp($5::float8), to_timestamp($6::float8))
RETURNING id
