-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 conversation id, $3 the caller's user id. The conversation, if the caller is
-- a member or holds a live (unexpired, unrevoked) break-glass grant on it (otherwise no row: a non-member and an
-- unknown id look the same). The last column says whether the caller is a member.
SELECT c.kind, c.title_sealed, c.topic_sealed, array_to_json(c.roles)::text AS roles, c.unit,
       c.patient_sealed, c.mls_group_id, c.epoch, c.last_seq, c.archived_at IS NOT NULL,
       c.created_by, to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
       m.user_id IS NOT NULL AS member
FROM conversations c
LEFT JOIN conversation_members m ON m.conversation_id = c.id AND m.user_id = $3
WHERE c.org_id = $1 AND c.id = $2
  AND (m.user_id IS NOT NULL
       OR EXISTS (SELECT 1 FROM break_glass_grants g
                  WHERE g.org_id = $1 AND g.user_id = $3 AND g.target_kind = 'conversation'
                    AND g.target_id = c.id::text AND g.expires_at > now()
                    AND g.revoked_at IS NULL))
