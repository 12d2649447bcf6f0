-- SPDX-License-Identifier: Apache-2.0
-- $1 the clock (ms since the epoch), $2 batch size. Deletes up to $2 expired messages that no
-- legal hold covers, oldest first, with the acknowledgements and escalations that reference
-- them (their foreign keys are checked at the end of the statement, when all three are gone).
-- Rows another transaction holds are skipped and found by a later batch or run. Returns what
-- went: conversation, organization, seq.
WITH doomed AS (
    SELECT m.conversation_id, m.seq
    FROM retention_effective e
    JOIN messages m ON m.conversation_id = e.conversation_id
    WHERE e.keep_days IS NOT NULL
      AND m.created_at < to_timestamp($1::bigint / 1000.0) - make_interval(days => e.keep_days)
      AND NOT message_held(m.org_id, m.conversation_id, m.sender_user_id, m.created_at)
    ORDER BY m.created_at
    LIMIT $2
    FOR UPDATE OF m SKIP LOCKED
), acks AS (
    DELETE FROM message_acks a USING doomed d
    WHERE a.conversation_id = d.conversation_id AND a.seq = d.seq
), escalated AS (
    DELETE FROM escalations x USING doomed d
    WHERE x.conversation_id = d.conversation_id AND x.seq = d.seq
)
DELETE FROM messages m USING doomed d
WHERE m.conversation_id = d.conversation_id AND m.seq = d.seq
RETURNING m.conversation_id, m.org_id, m.seq
