-- SPDX-License-Identifier: Apache-2.0
-- $1 the clock (ms since the epoch). What a retention run would delete now, per conversation
-- (the dry run of wardlinectl retention run): conversation, organization, count, highest seq.
SELECT m.conversation_id, m.org_id, count(*), max(m.seq)
FROM retention_effective e
JOIN messages m ON m.conversation_id = e.conversation_id
WHERE e.keep_days IS NOT NULL
  AND m.created_at < to_timestamp($1::bigint / 1000.0) - make_interval(days => e.keep_days)
  AND NOT message_held(m.org_id, m.conversation_id, m.sender_user_id, m.created_at)
GROUP BY m.conversation_id, m.org_id
ORDER BY m.org_id, m.conversation_id
