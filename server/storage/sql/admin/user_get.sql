-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 user id. No row if the user is not of the organization.
SELECT u.id, u.username, u.display_name, u.department, u.job_title, u.status, u.locked,
       u.totp_secret_sealed IS NOT NULL AS mfa_enrolled,
       ARRAY(SELECT r.name FROM user_roles ur JOIN roles r ON r.id = ur.role_id
             WHERE ur.user_id = u.id ORDER BY r.name) AS roles,
       u.username_canonical
FROM users u
WHERE u.org_id = $1 AND u.id = $2
