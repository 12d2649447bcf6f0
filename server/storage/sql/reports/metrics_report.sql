-- SPDX-License-Identifier: Apache-2.0
-- The activity metrics of one organization (reports.metrics, wardlinectl report; docs/admin-guide.md,
-- "Activity metrics"), as one JSON document, from metadata only: who sent what kind and priority
-- of message when, when recipients read (message_reads) and acknowledged (message_acks) urgent
-- and critical messages, escalations, and sign-ins (the audit trail's auth.login and
-- auth.resume successes).
-- $1 organization id, $2 first day, $3 last day (inclusive, dates), $4 unit ('' for all: a
-- user's department), $5 time zone (the days are its calendar days).
-- Units: messages and escalations count for the sender's unit; times to read and to acknowledge
-- for the reader's unit; active users for their own unit.
WITH p AS (
    SELECT $1::uuid AS org, $4::text AS unit, $5::text AS tz,
           ($2::date)::timestamp AT TIME ZONE $5::text AS t0,
           ($3::date + 1)::timestamp AT TIME ZONE $5::text AS t1
), conv AS (
    SELECT c.id, c.kind FROM conversations c, p WHERE c.org_id = p.org
), sent AS (
    SELECT (m.created_at AT TIME ZONE p.tz)::date AS day, conv.kind, m.priority,
           m.sender_user_id AS user_id, coalesce(u.department, '') AS unit
    FROM p, conv
    JOIN messages m ON m.conversation_id = conv.id
    LEFT JOIN users u ON u.id = m.sender_user_id
    WHERE m.kind = 'application' AND m.created_at >= p.t0 AND m.created_at < p.t1
), sent_here AS (
    SELECT sent.* FROM sent, p WHERE p.unit = '' OR sent.unit = p.unit
), pressing AS (
    SELECT m.conversation_id, m.seq, m.priority, m.created_at,
           coalesce(u.department, '') AS sender_unit
    FROM p, conv
    JOIN messages m ON m.conversation_id = conv.id
    LEFT JOIN users u ON u.id = m.sender_user_id
    WHERE m.kind = 'application' AND m.priority >= 1
      AND m.created_at >= p.t0 AND m.created_at < p.t1
), answers AS (
    SELECT 'read' AS what, pr.priority, coalesce(u.department, '') AS unit,
           extract(epoch FROM r.read_at - pr.created_at)::float8 AS secs
    FROM pressing pr
    JOIN message_reads r ON r.conversation_id = pr.conversation_id AND r.seq = pr.seq
    JOIN users u ON u.id = r.user_id
    UNION ALL
    SELECT 'acknowledged', pr.priority, coalesce(u.department, ''),
           extract(epoch FROM a.acked_at - pr.created_at)::float8
    FROM pressing pr
    JOIN message_acks a ON a.conversation_id = pr.conversation_id AND a.seq = pr.seq
    JOIN users u ON u.id = a.user_id
), answers_here AS (
    SELECT answers.* FROM answers, p WHERE p.unit = '' OR answers.unit = p.unit
), escalated AS (
    SELECT e.conversation_id, e.seq, e.status, pr.priority, pr.sender_unit AS unit,
           (e.escalated_at AT TIME ZONE p.tz)::date AS day
    FROM p, escalations e
    JOIN pressing pr ON pr.conversation_id = e.conversation_id AND pr.seq = e.seq
    WHERE e.org_id = p.org
), escalated_here AS (
    SELECT escalated.* FROM escalated, p WHERE p.unit = '' OR escalated.unit = p.unit
), active AS (
    SELECT (a.recorded_at AT TIME ZONE p.tz)::date AS day, a.actor_id AS user_id
    FROM p, audit_records a
    WHERE a.org_id = p.org AND a.recorded_at >= p.t0 AND a.recorded_at < p.t1
      AND a.action IN ('auth.login', 'auth.resume') AND a.outcome = 'success'
      AND a.actor_kind = 'user'
    UNION
    SELECT day, user_id::text FROM sent WHERE user_id IS NOT NULL
), active_here AS (
    SELECT a.day, a.user_id, coalesce(u.department, '') AS unit
    FROM active a, p, users u
    WHERE u.id::text = a.user_id AND u.org_id = p.org AND (p.unit = '' OR u.department = p.unit)
), days AS (
    SELECT d::date AS day FROM generate_series($2::date, $3::date, interval '1 day') AS d
), sent_by_day AS (
    SELECT day, kind, priority, count(*) AS n FROM sent_here GROUP BY day, kind, priority
), active_by_day AS (
    SELECT day, count(DISTINCT user_id) AS n FROM active_here GROUP BY day
), escalated_by_day AS (
    SELECT day, count(*) FILTER (WHERE status = 'escalated') AS escalated,
           count(*) FILTER (WHERE status = 'target_missing') AS target_missing
    FROM escalated_here GROUP BY day
), priorities AS (
    SELECT * FROM (VALUES (1, 'urgent'), (2, 'critical')) AS v (priority, name)
), units AS (
    SELECT unit FROM sent_here UNION SELECT unit FROM answers_here
    UNION SELECT unit FROM active_here UNION SELECT unit FROM escalated_here
)
SELECT json_build_object(
    'days', (
        SELECT coalesce(json_agg(json_build_object(
            'date', to_char(d.day, 'YYYY-MM-DD'),
            'active_users', coalesce((SELECT n FROM active_by_day a WHERE a.day = d.day), 0),
            'messages', coalesce((SELECT sum(n) FROM sent_by_day s WHERE s.day = d.day), 0),
            'by_kind', (SELECT coalesce(json_object_agg(kind, n), '{}'::json) FROM (
                SELECT kind, sum(n) AS n FROM sent_by_day s WHERE s.day = d.day GROUP BY kind) k),
            'by_priority', json_build_object(
                'routine', coalesce((SELECT sum(n) FROM sent_by_day s
                                     WHERE s.day = d.day AND s.priority = 0), 0),
                'urgent', coalesce((SELECT sum(n) FROM sent_by_day s
                                    WHERE s.day = d.day AND s.priority = 1), 0),
                'critical', coalesce((SELECT sum(n) FROM sent_by_day s
                                      WHERE s.day = d.day AND s.priority = 2), 0)),
            'escalations', coalesce((SELECT escalated FROM escalated_by_day e
                                     WHERE e.day = d.day), 0),
            'escalations_without_target', coalesce((SELECT target_missing FROM escalated_by_day e
                                                    WHERE e.day = d.day), 0)
        ) ORDER BY d.day), '[]'::json) FROM days d),
    'response', (
        SELECT json_object_agg(pri.name, json_build_object(
            'messages', (SELECT count(*) FROM sent_here s WHERE s.priority = pri.priority),
            'read', (SELECT json_build_object(
                'count', count(*),
                'median_s', round(percentile_cont(0.5) WITHIN GROUP (ORDER BY secs)::numeric, 1),
                'p90_s', round(percentile_cont(0.9) WITHIN GROUP (ORDER BY secs)::numeric, 1))
                FROM answers_here a WHERE a.what = 'read' AND a.priority = pri.priority),
            'acknowledged', (SELECT json_build_object(
                'count', count(*),
                'median_s', round(percentile_cont(0.5) WITHIN GROUP (ORDER BY secs)::numeric, 1),
                'p90_s', round(percentile_cont(0.9) WITHIN GROUP (ORDER BY secs)::numeric, 1))
                FROM answers_here a WHERE a.what = 'acknowledged' AND a.priority = pri.priority),
            'escalated_messages', (SELECT count(DISTINCT (e.conversation_id, e.seq))
                                   FROM escalated_here e
                                   WHERE e.priority = pri.priority AND e.status = 'escalated'),
            'escalation_rate', (SELECT round(count(DISTINCT (e.conversation_id, e.seq))::numeric
                                             / nullif((SELECT count(*) FROM sent_here s
                                                       WHERE s.priority = pri.priority), 0), 3)
                                FROM escalated_here e
                                WHERE e.priority = pri.priority AND e.status = 'escalated')
        )) FROM priorities pri),
    'units', (
        SELECT coalesce(json_agg(json_build_object(
            'unit', un.unit,
            'active_users', (SELECT count(DISTINCT user_id) FROM active_here a
                             WHERE a.unit = un.unit),
            'messages', (SELECT count(*) FROM sent_here s WHERE s.unit = un.unit),
            'urgent_critical', (SELECT count(*) FROM sent_here s
                                WHERE s.unit = un.unit AND s.priority >= 1),
            'read_median_s', (SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY secs)::numeric, 1)
                              FROM answers_here a WHERE a.unit = un.unit AND a.what = 'read'),
            'read_p90_s', (SELECT round(percentile_cont(0.9) WITHIN GROUP (ORDER BY secs)::numeric, 1)
                           FROM answers_here a WHERE a.unit = un.unit AND a.what = 'read'),
            'acknowledged_median_s', (SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY secs)::numeric, 1)
                                      FROM answers_here a
                                      WHERE a.unit = un.unit AND a.what = 'acknowledged'),
            'acknowledged_p90_s', (SELECT round(percentile_cont(0.9) WITHIN GROUP (ORDER BY secs)::numeric, 1)
                                   FROM answers_here a
                                   WHERE a.unit = un.unit AND a.what = 'acknowledged'),
            'escalations', (SELECT count(*) FROM escalated_here e
                            WHERE e.unit = un.unit AND e.status = 'escalated')
        ) ORDER BY un.unit), '[]'::json) FROM units un)
)::text
