-- SPDX-License-Identifier: Apache-2.0
-- $1 conversation id, $2 org id, $3 user ids (uuid[]), $4 their roles (text[], parallel;
-- 'auto' = member if the user holds one of the conversation's roles, else read_only: how
-- announcement channels keep posting to the named roles), $5 added_by.
-- New members start receiving after everything already in the stream (from_seq). Users who
-- are members already are left as they are. Returns the users added and their roles.
INSERT INTO conversation_members (conversation_id, org_id, user_id, role, added_by, from_seq)
SELECT c.id, c.org_id, x.u,
       CASE WHEN x.r <> 'auto' THEN x.r
            WHEN EXISTS (SELECT 1 FROM user_roles ur JOIN roles ro ON ro.id = ur.role_id
                         WHERE ur.user_id = x.u AND ro.name = ANY (c.roles)) THEN 'member'
            ELSE 'read_only' END,
       $5, c.last_seq + 1
FROM conversations c, unnest($3::uuid[], $4::text[]) AS x(u, r)
WHERE c.id = $1 AND c.org_id = $2
ON CONFLICT (conversation_id, user_id) DO NOTHING
RETURNING user_id, role
