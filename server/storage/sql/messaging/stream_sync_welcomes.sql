-- SPDX-License-Identifier: Apache-2.0
-- $1 device id, $2 limit. The device's Welcomes it has not acknowledged yet, oldest first.
SELECT id, conversation_id, commit_seq, welcome_sealed
FROM welcomes
WHERE device_id = $1 AND delivered_at IS NULL
ORDER BY id
LIMIT $2
