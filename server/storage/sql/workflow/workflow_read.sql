-- SPDX-License-Identifier: Apache-2.0
-- $1 conversation id, $2 user id, $3 seq. Moves the member's read receipt forward (never
-- back); returns the read_seq before and after. The CTE reads the row before the UPDATE.
-- Urgent and critical messages of others that the receipt passes (from the member's first
-- seq on) are recorded in
-- message_reads with the time (the activity metrics' time to read).
WITH before AS (
    SELECT read_seq, from_seq FROM conversation_members
    WHERE conversation_id = $1 AND user_id = $2
    FOR UPDATE
), moved AS (
    UPDATE conversation_members m
    SET read_seq = GREATEST(m.read_seq, $3)
    FROM before
    WHERE m.conversation_id = $1 AND m.user_id = $2
    RETURNING before.read_seq AS was, m.read_seq AS now_at, before.from_seq
), noted AS (
    INSERT INTO message_reads (conversation_id, seq, user_id)
    SELECT msg.conversation_id, msg.seq, $2
    FROM moved JOIN messages msg
      ON msg.conversation_id = $1 AND msg.seq > GREATEST(moved.was, moved.from_seq - 1)
     AND msg.seq <= moved.now_at
    WHERE msg.kind = 'application' AND msg.priority >= 1
      AND msg.sender_user_id IS DISTINCT FROM $2::uuid
    ON CONFLICT DO NOTHING
)
SELECT was, now_at FROM moved
