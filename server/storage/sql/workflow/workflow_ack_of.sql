-- SPDX-License-Identifier: Apache-2.0
-- $1 conversation id, $2 seq, $3 user id. When the user acknowledged the message (ms).
SELECT (extract(epoch FROM acked_at) * 1000)::bigint
FROM message_acks
WHERE conversation_id = $1 AND seq = $2 AND user_id = $3
