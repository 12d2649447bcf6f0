-- SPDX-License-Identifier: Apache-2.0
-- $1 conversation id, $2 seq, $3 user id. Records the acknowledgement once; no row if it was
-- already recorded (the caller then reads it with workflow_ack_of).
INSERT INTO message_acks (conversation_id, seq, user_id)
VALUES ($1, $2, $3)
ON CONFLICT DO NOTHING
RETURNING (extract(epoch FROM acked_at) * 1000)::bigint
