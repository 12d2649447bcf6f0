-- SPDX-License-Identifier: Apache-2.0
-- $1 conversation id. Its members, oldest first.
SELECT user_id, role, from_seq, read_seq,
       to_char(joined_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
FROM conversation_members
WHERE conversation_id = $1
ORDER BY joined_at, user_id
