-- SPDX-License-Identifier: Apache-2.0
-- $1 conversation id, $2 seq, $3 sender user id, $4 recall window in seconds. Marks the
-- sender's application message recalled if it is still inside the window; a recalled message
-- keeps its recalled_at (a repeated recall returns it unchanged). No row: not the sender's, or
-- outside the window (the caller has checked which before).
UPDATE messages
SET recalled_at = COALESCE(recalled_at, now())
WHERE conversation_id = $1 AND seq = $2 AND sender_user_id = $3 AND kind = 'application'
  AND created_at >= now() - $4::double precision * interval '1 second'
RETURNING (extract(epoch FROM recalled_at) * 1000)::bigint
