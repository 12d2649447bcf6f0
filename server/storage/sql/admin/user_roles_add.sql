-- SPDX-License-Identifier: Apache-2.0
-- $1 user id, $2 org id, $3 text array of role names. Adds the named default or
-- organization roles; returns one row per role added (fewer than named: an unknown name).
INSERT INTO user_roles (user_id, role_id)
SELECT $1, r.id FROM roles r
WHERE r.name = ANY ($3::text[]) AND (r.org_id IS NULL OR r.org_id = $2)
ON CONFLICT DO NOTHING
RETURNING role_id
