-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 conversation id, $3 the caller's user id. The kind of the conversation and
-- whether the caller is a member; no row for an unknown id or another organization's.
SELECT c.kind,
       EXISTS (SELECT 1 FROM conversation_members m
               WHERE m.conversation_id = c.id AND m.user_id = $3) AS member
FROM conversations c
WHERE c.org_id = $1 AND c.id = $2
