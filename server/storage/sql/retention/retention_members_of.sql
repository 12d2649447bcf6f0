-- SPDX-License-Identifier: Apache-2.0
-- $1 conversation ids (uuid[]). Their members, to tell their devices what expired.
SELECT conversation_id, user_id FROM conversation_members WHERE conversation_id = ANY($1::uuid[])
