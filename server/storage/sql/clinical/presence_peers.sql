-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 user id. The users who share at least one conversation with the user.
SELECT DISTINCT other.user_id
FROM conversation_members mine
JOIN conversation_members other ON other.conversation_id = mine.conversation_id
WHERE mine.org_id = $1 AND mine.user_id = $2 AND other.user_id <> $2
