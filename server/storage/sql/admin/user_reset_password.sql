-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 user id, $3 Argon2id hash of a one-time password.
UPDATE users SET password_hash = $3, must_change_password = true,
                 password_changed_at = now(), updated_at = now()
WHERE org_id = $1 AND id = $2
RETURNING id
