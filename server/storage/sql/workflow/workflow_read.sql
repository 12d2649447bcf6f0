-- SPDX-License-Identifier: Apache-2.0
-- $1 conversation id, $2 user id, $3 seq. Moves the member's read receipt forward (never
-- back); returns the read_seq before and after. The CTE reads the row before the UPDATE.
WITH before AS (
    SELECT read_seq FROM conversation_members
    WHERE conversation_id = $1 AND user_id = $2
    FOR UPDATE
)
UPDATE conversation_members m
SET read_seq = GREATEST(m.read_seq, $3)
FROM before
WHERE m.conversation_id = $1 AND m.user_id = $2
RETURNING before.read_seq, m.read_seq
