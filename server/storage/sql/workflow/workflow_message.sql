-- SPDX-License-Identifier: Apache-2.0
-- $1 conversation id, $2 seq. What the workflow needs of one message: kind, sender, priority,
-- when it was stored (ms) and whether it was recalled. Never its body.
SELECT kind, sender_user_id, priority, (extract(epoch FROM created_at) * 1000)::bigint,
       recalled_at IS NOT NULL
FROM messages
WHERE conversation_id = $1 AND seq = $2
