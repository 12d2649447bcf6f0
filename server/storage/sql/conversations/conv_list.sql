-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 the caller's user id, $3 page after this conversation id or NULL, $4 page size.
-- The caller's conversations ordered by id (keyset paging: stable while conversations change).
SELECT c.id, c.kind, c.title_sealed, c.topic_sealed, c.archived_at IS NOT NULL, c.last_seq,
       m.role, m.read_seq
FROM conversation_members m
JOIN conversations c ON c.id = m.conversation_id
WHERE m.user_id = $2 AND m.org_id = $1 AND ($3::uuid IS NULL OR c.id > $3::uuid)
ORDER BY c.id
LIMIT $4
