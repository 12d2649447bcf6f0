-- SPDX-License-Identifier: Apache-2.0
-- $1 organization name, $2 username (stored lower-case), $3 display name, $4 role,
-- $5 Argon2id password hash. Returns the new id, or no row if the organization does not
-- exist or the username is taken in it.
INSERT INTO users (org_id, username, display_name, role, password_hash)
SELECT id, lower($2), $3, $4, $5 FROM organizations WHERE name = $1
ON CONFLICT (org_id, username) DO NOTHING
RETURNING id
