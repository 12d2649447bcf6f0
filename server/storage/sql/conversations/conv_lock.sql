-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 conversation id, $3 the caller's user id. Locks the conversation row for a
-- membership or settings change (the same lock the message writer's seq UPDATE takes, so a
-- new member's from_seq and the stream agree) and reads what the rules need. No row for an
-- unknown id or another organization's conversation.
SELECT c.kind,
       c.archived_at IS NOT NULL AS archived,
       (SELECT m.role FROM conversation_members m
        WHERE m.conversation_id = c.id AND m.user_id = $3) AS caller_role,
       (SELECT count(*) FROM conversation_members m WHERE m.conversation_id = c.id) AS members,
       array_to_json(c.roles)::text AS roles,
       c.unit
FROM conversations c
WHERE c.org_id = $1 AND c.id = $2
FOR UPDATE
