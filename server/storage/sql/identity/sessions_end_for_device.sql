-- SPDX-License-Identifier: Apache-2.0
-- $1 device id, $2 reason. Returns the ended sessions.
UPDATE sessions SET ended_at = now(), end_reason = $2
WHERE device_id = $1 AND ended_at IS NULL
RETURNING id
