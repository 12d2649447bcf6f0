-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 user id, $3 device id, $4 conversation ids (uuid[]) and $5 cursors (bigint[])
-- the client gave, $6 row limit. The next messages of every conversation the user is a member
-- of or holds a live break-glass grant on (from the grant's from_seq), after the given cursor, else after the device's delivery cursor, never before the
-- member's from_seq; ordered by conversation and seq. Reading "seq > cursor" is safe: seq N+1
-- commits only after N (migrations/0006, "Ordering"). A recalled message comes with its
-- recalled_at; the server does not hand out its body.
SELECT m.conversation_id, m.seq, m.kind, m.sender_user_id, m.sender_device_id, m.client_msg_id,
       m.priority, m.epoch, (extract(epoch FROM m.created_at) * 1000)::bigint,
       (extract(epoch FROM m.expires_at) * 1000)::bigint, m.body_sealed,
       (extract(epoch FROM m.recalled_at) * 1000)::bigint
FROM (SELECT m.conversation_id, m.from_seq FROM conversation_members m WHERE m.user_id = $2
      UNION ALL
      SELECT g.target_id::uuid, min(g.from_seq) FROM break_glass_grants g
      WHERE g.org_id = $1 AND g.user_id = $2 AND g.target_kind = 'conversation'
        AND g.expires_at > now() AND g.revoked_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM conversation_members m2
                        WHERE m2.user_id = $2 AND m2.conversation_id::text = g.target_id)
      GROUP BY g.target_id) AS cm
JOIN conversations c ON c.id = cm.conversation_id AND c.org_id = $1
LEFT JOIN device_cursors dc ON dc.device_id = $3 AND dc.conversation_id = cm.conversation_id
LEFT JOIN unnest($4::uuid[], $5::bigint[]) AS g (id, cursor) ON g.id = cm.conversation_id
JOIN LATERAL (
    SELECT * FROM messages x
    WHERE x.conversation_id = cm.conversation_id
      AND x.seq > GREATEST(COALESCE(g.cursor, dc.delivered_seq, 0), cm.from_seq - 1)
    ORDER BY x.seq
    LIMIT $6
) m ON true
ORDER BY m.conversation_id, m.seq
LIMIT $6
