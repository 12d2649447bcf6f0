-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 the caller's user id, $3 page after this conversation id or NULL, $4 page size.
-- The caller's conversations ordered by id (keyset paging: stable while conversations change).
-- The last column is expired_through_seq: the server holds no application message at or below
-- it (the retention job deleted them; it never deletes a held one, so this stops below the
-- oldest message that is left), for a device that was offline when messages.expired went out.
-- Handshake messages are kept by retention and do not count. The primary key (conversation_id,
-- seq) finds the first application message.
SELECT c.id, c.kind, c.title_sealed, c.topic_sealed, c.archived_at IS NOT NULL, c.last_seq,
       m.role, m.read_seq,
       COALESCE((SELECT min(x.seq) FROM messages x
                 WHERE x.conversation_id = c.id AND x.kind = 'application') - 1,
                c.last_seq)
FROM conversation_members m
JOIN conversations c ON c.id = m.conversation_id
WHERE m.user_id = $2 AND m.org_id = $1 AND ($3::uuid IS NULL OR c.id > $3::uuid)
ORDER BY c.id
LIMIT $4
