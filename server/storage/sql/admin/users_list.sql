-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 search text or NULL (substring of username or display name, case-insensitive),
-- $3 status or NULL, $4 canonical username to start after or NULL, $5 page size.
SELECT u.id, u.username, u.display_name, u.department, u.job_title, u.status, u.locked,
       u.totp_secret_sealed IS NOT NULL AS mfa_enrolled,
       ARRAY(SELECT r.name FROM user_roles ur JOIN roles r ON r.id = ur.role_id
             WHERE ur.user_id = u.id ORDER BY r.name) AS roles,
       u.username_canonical
FROM users u
WHERE u.org_id = $1
  AND ($2::text IS NULL OR strpos(lower(u.username), lower($2)) > 0
       OR strpos(lower(u.display_name), lower($2)) > 0)
  AND ($3::text IS NULL OR u.status = $3)
  AND ($4::text IS NULL OR u.username_canonical > $4)
ORDER BY u.username_canonical
LIMIT $5
