-- SPDX-License-Identifier: Apache-2.0
-- $1 conversation ids (uuid[]). Every current member of those conversations and their role.
SELECT conversation_id, user_id, role
FROM conversation_members
WHERE conversation_id = ANY ($1::uuid[])
