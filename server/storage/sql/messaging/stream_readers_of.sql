-- SPDX-License-Identifier: Apache-2.0
-- $1 conversation ids (uuid[]). Who receives those conversations' messages: every current
-- member with their role, and every holder of a live break-glass grant who is not a member,
-- with the role 'break_glass' (never allowed to post).
SELECT conversation_id, user_id, role
FROM conversation_members
WHERE conversation_id = ANY ($1::uuid[])
UNION
SELECT g.target_id::uuid, g.user_id, 'break_glass'
FROM break_glass_grants g
JOIN conversations c ON c.id::text = g.target_id AND c.org_id = g.org_id
WHERE g.target_kind = 'conversation' AND c.id = ANY ($1::uuid[])
  AND g.expires_at > now() AND g.revoked_at IS NULL
  AND NOT EXISTS (SELECT 1 FROM conversation_members m
                  WHERE m.conversation_id = c.id AND m.user_id = g.user_id)
