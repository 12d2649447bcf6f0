-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 session id. Returns the owner; no row if not of the organization or ended.
UPDATE sessions SET ended_at = now(), end_reason = 'revoked'
WHERE org_id = $1 AND id = $2 AND ended_at IS NULL
RETURNING user_id
