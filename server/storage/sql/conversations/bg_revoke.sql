-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 grant id, $3 the revoking user's id. Ends a live grant now. No row: unknown,
-- another organization's, or already ended (the caller tells these apart with bg_get).
UPDATE break_glass_grants
SET revoked_at = now(), revoked_by = $3
WHERE org_id = $1 AND id = $2 AND revoked_at IS NULL AND expires_at > now()
RETURNING user_id, target_id
