-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 conversation id, $3 user id. stream_member_view for a member, and the same
-- columns for the holder of a live break-glass grant on the conversation (role 'break_glass',
-- from_seq of the grant): what group_info.get and handshake.submit accept (docs/e2ee.md,
-- "Break-glass and MLS"). No row for anyone else, another organization or an unknown id.
SELECT c.mls_group_id, c.archived_at IS NOT NULL, c.epoch, c.last_seq,
       COALESCE(m.role, 'break_glass'), COALESCE(m.from_seq, g.from_seq)
FROM conversations c
LEFT JOIN conversation_members m ON m.conversation_id = c.id AND m.user_id = $3
LEFT JOIN LATERAL (
    SELECT min(bg.from_seq) AS from_seq FROM break_glass_grants bg
    WHERE bg.org_id = $1 AND bg.user_id = $3 AND bg.target_kind = 'conversation'
      AND bg.target_id = c.id::text AND bg.expires_at > now() AND bg.revoked_at IS NULL
) g ON true
WHERE c.id = $2 AND c.org_id = $1 AND (m.user_id IS NOT NULL OR g.from_seq IS NOT NULL)
