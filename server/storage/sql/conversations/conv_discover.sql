-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 the caller's user id, $3 one conversation id or NULL for all, $4 page after
-- this id or NULL, $5 page size.
-- Channels that name one of the caller's roles, and announcement channels of the whole
-- organization or of the caller's unit (department); archived ones are not listed.
WITH me AS (
    SELECT u.department,
           ARRAY(SELECT r.name FROM user_roles ur JOIN roles r ON r.id = ur.role_id
                 WHERE ur.user_id = u.id) AS roles
    FROM users u WHERE u.id = $2 AND u.org_id = $1
)
SELECT c.id, c.kind, c.title_sealed, c.topic_sealed, c.unit,
       EXISTS (SELECT 1 FROM conversation_members m
               WHERE m.conversation_id = c.id AND m.user_id = $2) AS member
FROM conversations c, me
WHERE c.org_id = $1 AND c.archived_at IS NULL
  AND ((c.kind = 'channel' AND c.roles && me.roles)
       OR (c.kind = 'announcement' AND (c.unit IS NULL OR c.unit = me.department)))
  AND ($3::uuid IS NULL OR c.id = $3::uuid)
  AND ($4::uuid IS NULL OR c.id > $4::uuid)
ORDER BY c.id
LIMIT $5
