-- SPDX-License-Identifier: Apache-2.0
-- $1 user id. The users who share at least one conversation with the user (user ids are
-- unique across organizations, and members of a conversation are of its organization).
SELECT DISTINCT other.user_id
FROM conversation_members mine
JOIN conversation_members other ON other.conversation_id = mine.conversation_id
WHERE mine.user_id = $1 AND other.user_id <> $1
