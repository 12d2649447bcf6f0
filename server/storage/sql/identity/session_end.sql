-- SPDX-License-Identifier: Apache-2.0
-- $1 session id, $2 reason. Returns the session if it was live.
UPDATE sessions SET ended_at = now(), end_reason = $2
WHERE id = $1 AND ended_at IS NULL
RETURNING id
