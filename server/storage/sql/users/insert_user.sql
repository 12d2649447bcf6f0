-- SPDX-License-Identifier: Apache-2.0
-- $1 organization name, $2 username as typed, $3 canonical form, $4 confusable skeleton,
-- $5 display name, $6 Argon2id hash of a one-time password. Returns the new id and the
-- organization id, or no row if the organization does not exist or the name (or one
-- confusable with it) is taken in it.
INSERT INTO users (org_id, username, username_canonical, username_skeleton, display_name,
                   password_hash, must_change_password)
SELECT id, $2, $3, $4, $5, $6, true FROM organizations WHERE name = $1
ON CONFLICT DO NOTHING
RETURNING id, org_id
