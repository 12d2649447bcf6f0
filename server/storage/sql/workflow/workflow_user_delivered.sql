-- SPDX-License-Identifier: Apache-2.0
-- $1 conversation id, $2 user id. The furthest delivery cursor of any of the user's devices
-- (0 if none): "delivered to the user" up to there.
SELECT COALESCE(max(dc.delivered_seq), 0)
FROM device_cursors dc
JOIN devices d ON d.id = dc.device_id
WHERE dc.conversation_id = $1 AND d.user_id = $2
