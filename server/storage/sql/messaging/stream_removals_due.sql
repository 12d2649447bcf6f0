-- SPDX-License-Identifier: Apache-2.0
-- Leaves the server must propose to remove (docs/e2ee.md, "External sender"): their device was
-- revoked, their user was suspended or deactivated or is no longer a member of the
-- conversation (a live break-glass grant counts as membership until it ends: docs/e2ee.md,
-- "Break-glass and MLS"), and no Remove of the leaf was proposed in the group's current epoch
-- yet.
-- $1 one conversation id, or NULL for all; $2 at most this many rows.
SELECT gl.conversation_id, gl.leaf_index, gl.device_id
FROM group_leaves gl
JOIN conversations c ON c.id = gl.conversation_id
JOIN users u ON u.id = gl.user_id
JOIN devices d ON d.id = gl.device_id
LEFT JOIN conversation_members m
       ON m.conversation_id = gl.conversation_id AND m.user_id = gl.user_id
WHERE ($1::uuid IS NULL OR gl.conversation_id = $1::uuid)
  AND c.archived_at IS NULL
  AND (d.revoked_at IS NOT NULL OR u.status <> 'active'
       OR (m.user_id IS NULL
           AND NOT EXISTS (SELECT 1 FROM break_glass_grants g
                           WHERE g.user_id = gl.user_id AND g.org_id = c.org_id
                             AND g.target_kind = 'conversation'
                             AND g.target_id = gl.conversation_id::text
                             AND g.expires_at > now() AND g.revoked_at IS NULL)))
  AND NOT EXISTS (SELECT 1 FROM server_removals r
                  WHERE r.conversation_id = gl.conversation_id AND r.epoch = c.epoch
                    AND r.leaf_index = gl.leaf_index)
ORDER BY gl.conversation_id, gl.leaf_index
LIMIT $2
