-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 true for live grants only, $3 page after this grant id or NULL, $4 page size.
-- The organization's break-glass grants, newest first (keyset paging on granted_at and id),
-- with the holder and the sealed reason; a grant id of another organization in $3 starts an
-- empty page.
SELECT g.id, g.user_id, u.username, g.target_id, g.reason,
       to_char(g.granted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
       to_char(g.expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
       to_char(g.revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
       g.revoked_by, g.expires_at > now() AND g.revoked_at IS NULL AS active
FROM break_glass_grants g
JOIN users u ON u.id = g.user_id
WHERE g.org_id = $1 AND g.target_kind = 'conversation'
  AND (NOT $2::boolean OR (g.expires_at > now() AND g.revoked_at IS NULL))
  AND ($3::uuid IS NULL
       OR (g.granted_at, g.id) < (SELECT a.granted_at, a.id FROM break_glass_grants a
                                  WHERE a.id = $3::uuid AND a.org_id = $1))
ORDER BY g.granted_at DESC, g.id DESC
LIMIT $4
