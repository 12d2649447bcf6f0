-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 scope, $3 kind or NULL, $4 conversation id or NULL, $5 proposed keep_days, $6
-- the clock (ms). The dry run of a proposed policy: the messages of the conversations it would
-- govern (those without a more specific policy) that would be older than it, less those under a
-- legal hold, per conversation kind and unit (announcements' unit; '' for others): kind, unit,
-- count, oldest and newest (ms). A last row per kind and unit is not split further.
SELECT c.kind, COALESCE(c.unit, ''), count(*),
       (extract(epoch FROM min(m.created_at)) * 1000)::bigint,
       (extract(epoch FROM max(m.created_at)) * 1000)::bigint
FROM conversations c
JOIN messages m ON m.conversation_id = c.id
WHERE c.org_id = $1
  AND CASE $2
        WHEN 'conversation' THEN c.id = $4::uuid
        WHEN 'kind' THEN c.kind = $3 AND NOT EXISTS (
            SELECT 1 FROM retention_policies p WHERE p.scope = 'conversation' AND p.conversation_id = c.id)
        ELSE NOT EXISTS (
            SELECT 1 FROM retention_policies p
            WHERE (p.scope = 'conversation' AND p.conversation_id = c.id)
               OR (p.scope = 'kind' AND p.org_id = c.org_id AND p.conversation_kind = c.kind))
      END
  AND m.created_at < to_timestamp($6::bigint / 1000.0) - make_interval(days => $5::int)
  AND NOT message_held(m.org_id, m.conversation_id, m.sender_user_id, m.created_at)
GROUP BY c.kind, COALESCE(c.unit, '')
ORDER BY c.kind, COALESCE(c.unit, '')
