-- SPDX-License-Identifier: Apache-2.0
-- $1 conversation id, $2 first seq, $3 last seq. Those messages, in the column order of
-- stream_sync_page.sql, for the push of another node's commit.
SELECT conversation_id, seq, kind, sender_user_id, sender_device_id, client_msg_id, priority,
       epoch, (extract(epoch FROM created_at) * 1000)::bigint,
       (extract(epoch FROM expires_at) * 1000)::bigint, body_sealed,
       (extract(epoch FROM recalled_at) * 1000)::bigint
FROM messages
WHERE conversation_id = $1 AND seq BETWEEN $2 AND $3
ORDER BY seq
