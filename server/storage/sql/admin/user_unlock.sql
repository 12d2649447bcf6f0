-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 user id.
UPDATE users SET locked = false, failed_logins = 0, updated_at = now()
WHERE org_id = $1 AND id = $2
RETURNING id
