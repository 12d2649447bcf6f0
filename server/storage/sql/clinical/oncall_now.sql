-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 team id. Who is on shift now in the team: active users only, the primary first,
-- then the backups by start.
SELECT s.user_id, u.display_name, s.role, extract(epoch FROM s.end_at)::bigint
FROM oncall_shifts s JOIN users u ON u.id = s.user_id AND u.status = 'active'
WHERE s.org_id = $1 AND s.team_id = $2 AND s.start_at <= now() AND s.end_at > now()
ORDER BY s.role DESC, s.start_at, s.id
