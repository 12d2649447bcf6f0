-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 actor id, $3 action, $4 target id, $5 outcome (each NULL for any), $6 from
-- and $7 to (ms since the Unix epoch, NULL for open), $8 before seq (NULL: newest first),
-- $9 page size. One organization's records, newest first, keyset-paged by seq.
SELECT seq, (extract(epoch FROM recorded_at) * 1000)::bigint, actor_kind, actor_id, action,
       target_kind, target_id, outcome, severity, source_address, details
FROM audit_records
WHERE org_id = $1
  AND ($2::text IS NULL OR actor_id = $2)
  AND ($3::text IS NULL OR action = $3)
  AND ($4::text IS NULL OR target_id = $4)
  AND ($5::text IS NULL OR outcome = $5)
  AND ($6::bigint IS NULL OR recorded_at >= timestamptz 'epoch' + $6::bigint * interval '1 millisecond')
  AND ($7::bigint IS NULL OR recorded_at <= timestamptz 'epoch' + $7::bigint * interval '1 millisecond')
  AND ($8::bigint IS NULL OR seq < $8)
ORDER BY seq DESC
LIMIT $9
