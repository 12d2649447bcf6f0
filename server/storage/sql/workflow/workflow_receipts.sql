-- SPDX-License-Identifier: Apache-2.0
-- $1 conversation id, $2 seq, $3 the message's sender. Every other current member: delivered
-- (any device's cursor reached seq), read (read_seq reached seq), acknowledged at (ms, NULL if
-- not). Members who joined after seq are listed too, with what they could not have received.
SELECT cm.user_id,
       EXISTS (SELECT 1 FROM device_cursors dc JOIN devices d ON d.id = dc.device_id
               WHERE dc.conversation_id = $1 AND d.user_id = cm.user_id
                 AND dc.delivered_seq >= $2),
       cm.read_seq >= $2,
       (extract(epoch FROM a.acked_at) * 1000)::bigint
FROM conversation_members cm
LEFT JOIN message_acks a ON a.conversation_id = $1 AND a.seq = $2 AND a.user_id = cm.user_id
WHERE cm.conversation_id = $1 AND cm.user_id IS DISTINCT FROM $3::uuid
ORDER BY cm.user_id
