-- SPDX-License-Identifier: Apache-2.0
-- $1 user id, $2 Argon2id hash, $3 must change at next login (boolean).
UPDATE users SET password_hash = $2, must_change_password = $3, password_changed_at = now(),
                 updated_at = now()
WHERE id = $1
