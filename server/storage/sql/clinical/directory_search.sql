-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 search text or NULL (substring of username or display name, case-insensitive),
-- $3 department or NULL (exact, case-insensitive), $4 role name or NULL, $5 on-call filter or
-- NULL (true: on shift now in some team; false: not), $6 canonical username to start after or
-- NULL, $7 page size. Active users only. Column 6: the user's current shifts as JSON; column 8:
-- their presence as every server process answers it (user_presence(), migration 0012).
SELECT u.id, u.username, u.display_name, u.department, u.job_title,
       ARRAY(SELECT r.name FROM user_roles ur JOIN roles r ON r.id = ur.role_id
             WHERE ur.user_id = u.id ORDER BY r.name) AS roles,
       COALESCE((SELECT json_agg(json_build_object(
                            'team_id', t.id, 'team', t.name, 'role', s.role,
                            'until', extract(epoch FROM s.end_at)::bigint)
                        ORDER BY lower(t.name), s.role DESC)
                 FROM oncall_shifts s JOIN oncall_teams t ON t.id = s.team_id
                 WHERE s.user_id = u.id AND s.start_at <= now() AND s.end_at > now()),
                '[]'::json) AS on_call,
       u.username_canonical,
       user_presence(u.id) AS presence
FROM users u
WHERE u.org_id = $1 AND u.status = 'active'
  AND ($2::text IS NULL OR strpos(lower(u.username), lower($2)) > 0
       OR strpos(lower(u.display_name), lower($2)) > 0)
  AND ($3::text IS NULL OR lower(u.department) = lower($3))
  AND ($4::text IS NULL OR EXISTS (SELECT 1 FROM user_roles ur JOIN roles r ON r.id = ur.role_id
                                   WHERE ur.user_id = u.id AND r.name = $4))
  AND ($5::boolean IS NULL OR $5 = EXISTS (SELECT 1 FROM oncall_shifts s
                                           WHERE s.user_id = u.id AND s.start_at <= now()
                                             AND s.end_at > now()))
  AND ($6::text IS NULL OR u.username_canonical > $6)
ORDER BY u.username_canonical
LIMIT $7
