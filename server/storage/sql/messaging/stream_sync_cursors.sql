-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 user id, $3 conversation ids (uuid[]). The last_seq of each of those
-- conversations the user is a member of or holds a live break-glass grant on (a missing row:
-- unknown or neither).
SELECT c.id, c.last_seq
FROM conversations c
JOIN (SELECT m.conversation_id, m.from_seq FROM conversation_members m WHERE m.user_id = $2
      UNION ALL
      SELECT g.target_id::uuid, min(g.from_seq) FROM break_glass_grants g
      WHERE g.org_id = $1 AND g.user_id = $2 AND g.target_kind = 'conversation'
        AND g.expires_at > now() AND g.revoked_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM conversation_members m2
                        WHERE m2.user_id = $2 AND m2.conversation_id::text = g.target_id)
      GROUP BY g.target_id) AS m ON m.conversation_id = c.id
WHERE c.id = ANY ($3::uuid[]) AND c.org_id = $1
