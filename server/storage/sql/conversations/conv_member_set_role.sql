-- SPDX-License-Identifier: Apache-2.0
-- $1 conversation id, $2 user id, $3 the new role. Runs under conv_lock.sql's lock. Returns the
-- member's previous role and the number of owners before the change; no row if $2 is not a
-- member. The caller rolls back a change that would leave the conversation without an owner.
WITH old AS (
    SELECT role FROM conversation_members WHERE conversation_id = $1 AND user_id = $2
), changed AS (
    UPDATE conversation_members m SET role = $3
    WHERE m.conversation_id = $1 AND m.user_id = $2
    RETURNING m.user_id
)
SELECT old.role,
       (SELECT count(*) FROM conversation_members o
        WHERE o.conversation_id = $1 AND o.role = 'owner') AS owners_before
FROM old, changed
