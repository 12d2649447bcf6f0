-- SPDX-License-Identifier: Apache-2.0
-- $1 team id, $2 user id, $3 role, $4 start and $5 end (seconds since the Unix epoch).
-- A shift the new one may not overlap: the team's primary when the new one is primary, and any
-- shift of the same user in the team (docs/oncall.md). Column 1: whether it is the same user's.
SELECT id, user_id = $2::uuid AS same_user
FROM oncall_shifts
WHERE team_id = $1
  AND start_at < to_timestamp($5::float8) AND end_at > to_timestamp($4::float8)
  AND (user_id = $2::uuid OR ($3::text = 'primary' AND role = 'primary'))
ORDER BY (user_id = $2::uuid) DESC
LIMIT 1
