-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 user id, $3 conversation ids (uuid[]). The last_seq of each of those
-- conversations the user is a member of (a missing row: unknown or not a member).
SELECT c.id, c.last_seq
FROM conversations c
JOIN conversation_members m ON m.conversation_id = c.id AND m.user_id = $2
WHERE c.id = ANY ($3::uuid[]) AND c.org_id = $1
