-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 conversation id, $3 user id. The conversation as its member sees it; no row for
-- an unknown conversation, one of another organization, or a user who is not a member (the
-- caller answers all three the same not_found).
SELECT c.mls_group_id, c.archived_at IS NOT NULL, c.epoch, c.last_seq, m.role, m.from_seq
FROM conversations c
JOIN conversation_members m ON m.conversation_id = c.id AND m.user_id = $3
WHERE c.id = $2 AND c.org_id = $1
