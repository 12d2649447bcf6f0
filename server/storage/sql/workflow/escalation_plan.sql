-- SPDX-License-Identifier: Apache-2.0
-- $1 now (ms since the Unix epoch: a parameter, so tests drive it with their own clock),
-- $2 most escalations per call. Finds every critical application message, not recalled, whose
-- next escalation level is due without every recipient having acknowledged, and records that
-- level ONCE. The rule is the conversation's, else the organization's; its chain has levels
-- 1..5. Level 1 is due after_seconds after the message was sent, level n after_seconds after
-- level n-1 fired (escalations.escalated_at); one level per message per call, in order. The
-- primary key (conversation_id, seq, level) of escalations and ON CONFLICT DO NOTHING make a
-- second process (or a second scan) skip a level already recorded, so only the transaction
-- that inserted a row returns it. The level's target is the primary or backup on call for the
-- team at $1, or the active holders of the role, less anyone who has acknowledged the message
-- already; nobody left is status target_missing, and the chain goes on to the next level.
-- Columns: conversation, seq, org, sender, status, targets, pending users (comma separated),
-- escalated_at (ms), level.
WITH now_at AS (
    SELECT to_timestamp($1::bigint / 1000.0) AS t
),
due AS (
    SELECT m.conversation_id, m.seq, m.org_id, m.sender_user_id, r.id AS rule_id, lv.level,
           lv.target_kind, lv.team_id, lv.role_name, pending.users AS pending_users
    FROM now_at, messages m
    JOIN LATERAL (
        SELECT * FROM escalation_rules r
        WHERE r.org_id = m.org_id
          AND (r.conversation_id = m.conversation_id OR r.conversation_id IS NULL)
        ORDER BY r.conversation_id NULLS LAST
        LIMIT 1
    ) r ON true
    LEFT JOIN LATERAL (
        SELECT e.level, e.escalated_at FROM escalations e
        WHERE e.conversation_id = m.conversation_id AND e.seq = m.seq
        ORDER BY e.level DESC
        LIMIT 1
    ) fired ON true
    JOIN escalation_levels lv
      ON lv.rule_id = r.id AND lv.level = COALESCE(fired.level, 0) + 1
    JOIN LATERAL (
        SELECT array_agg(cm.user_id ORDER BY cm.user_id) AS users
        FROM conversation_members cm
        WHERE cm.conversation_id = m.conversation_id
          AND cm.user_id IS DISTINCT FROM m.sender_user_id
          AND cm.from_seq <= m.seq
          AND NOT EXISTS (SELECT 1 FROM message_acks a
                          WHERE a.conversation_id = m.conversation_id AND a.seq = m.seq
                            AND a.user_id = cm.user_id)
    ) pending ON pending.users IS NOT NULL
    WHERE m.priority = 2 AND m.kind = 'application' AND m.recalled_at IS NULL
      AND COALESCE(fired.escalated_at, m.created_at)
          <= now_at.t - lv.after_seconds * interval '1 second'
      -- A chain has at most 5 levels of at most a day each, so older messages need not be
      -- looked at again.
      AND m.created_at > now_at.t - interval '6 days'
    -- One order for every scan, so concurrent scans wait on each other instead of deadlocking.
    ORDER BY m.created_at, m.conversation_id, m.seq
    LIMIT $2
),
targeted AS (
    SELECT d.*, COALESCE((
        SELECT array_agg(DISTINCT x.user_id ORDER BY x.user_id) FROM (
            SELECT s.user_id
            FROM oncall_shifts s
            JOIN users u ON u.id = s.user_id
            CROSS JOIN now_at
            WHERE d.target_kind IN ('oncall_primary', 'oncall_backup') AND s.team_id = d.team_id
              AND s.role = CASE d.target_kind WHEN 'oncall_primary' THEN 'primary'
                                              ELSE 'backup' END
              AND s.start_at <= now_at.t AND s.end_at > now_at.t
              AND u.status = 'active'
            UNION
            SELECT ur.user_id
            FROM user_roles ur
            JOIN roles ro ON ro.id = ur.role_id
            JOIN users u ON u.id = ur.user_id
            WHERE d.target_kind = 'role' AND ro.name = d.role_name
              AND (ro.org_id IS NULL OR ro.org_id = d.org_id)
              AND u.org_id = d.org_id AND u.status = 'active'
        ) x
        -- Someone who acknowledged already is not told again.
        WHERE NOT EXISTS (SELECT 1 FROM message_acks a
                          WHERE a.conversation_id = d.conversation_id AND a.seq = d.seq
                            AND a.user_id = x.user_id)), '{}') AS targets
    FROM due d
),
recorded AS (
    INSERT INTO escalations (conversation_id, seq, level, org_id, rule_id, status, targets,
                             pending_users, escalated_at)
    SELECT t.conversation_id, t.seq, t.level, t.org_id, t.rule_id,
           CASE WHEN cardinality(t.targets) = 0 THEN 'target_missing' ELSE 'escalated' END,
           t.targets, t.pending_users, (SELECT now_at.t FROM now_at)
    FROM targeted t
    ON CONFLICT DO NOTHING
    RETURNING conversation_id, seq, level, org_id, status, targets, pending_users, escalated_at
)
SELECT r.conversation_id, r.seq, r.org_id, m.sender_user_id, r.status,
       array_to_string(r.targets, ','), array_to_string(r.pending_users, ','),
       (extract(epoch FROM r.escalated_at) * 1000)::bigint, r.level
FROM recorded r
JOIN messages m ON m.conversation_id = r.conversation_id AND m.seq = r.seq
ORDER BY r.escalated_at, r.conversation_id, r.seq
