-- SPDX-License-Identifier: Apache-2.0
-- $1 conversation id. Runs under conv_lock.sql's lock after a member left. When no owner is
-- left, the active member (not read-only) who joined first becomes owner, so a care-team
-- channel is never stranded without someone who can manage it. Returns that user, or no row
-- (an owner remains, or only read-only or inactive members do: an org.settings holder then
-- names one with conversations.set_role).
UPDATE conversation_members m SET role = 'owner'
WHERE m.conversation_id = $1
  AND m.user_id = (
      SELECT c.user_id FROM conversation_members c
      JOIN users u ON u.id = c.user_id AND u.status = 'active'
      WHERE c.conversation_id = $1 AND c.role = 'member'
        AND NOT EXISTS (SELECT 1 FROM conversation_members o
                        WHERE o.conversation_id = $1 AND o.role = 'owner')
      ORDER BY c.joined_at, c.user_id
      LIMIT 1)
RETURNING m.user_id
