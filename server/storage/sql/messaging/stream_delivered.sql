-- SPDX-License-Identifier: Apache-2.0
-- $1 device id, $2 conversation id, $3 seq. Moves the device's delivery cursor forward (never
-- back) and marks the device's Welcomes of that conversation up to seq delivered.
WITH welcomed AS (
    UPDATE welcomes SET delivered_at = now()
    WHERE device_id = $1 AND conversation_id = $2 AND commit_seq <= $3 AND delivered_at IS NULL
)
INSERT INTO device_cursors (device_id, conversation_id, delivered_seq)
VALUES ($1, $2, $3)
ON CONFLICT (device_id, conversation_id)
DO UPDATE SET delivered_seq = GREATEST(device_cursors.delivered_seq, EXCLUDED.delivered_seq),
              updated_at = now()
RETURNING delivered_seq
