-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 device id. Returns the owner; no row if not of the organization or revoked.
UPDATE devices SET revoked_at = now()
WHERE org_id = $1 AND id = $2 AND revoked_at IS NULL
RETURNING user_id
