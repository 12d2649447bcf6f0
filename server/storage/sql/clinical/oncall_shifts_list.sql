-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 team id, $3 from and $4 to (seconds since the Unix epoch), $5 row limit.
-- The team's shifts that overlap [from, to), by start.
SELECT s.id, s.user_id, u.display_name, s.role,
       extract(epoch FROM s.start_at)::bigint, extract(epoch FROM s.end_at)::bigint
FROM oncall_shifts s JOIN users u ON u.id = s.user_id
WHERE s.org_id = $1 AND s.team_id = $2
  AND s.start_at < to_timestamp($4::float8) AND s.end_at > to_timestamp($3::float8)
ORDER BY s.start_at, s.role DESC, s.id
LIMIT $5
