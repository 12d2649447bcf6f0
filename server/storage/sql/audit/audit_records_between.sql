-- SPDX-License-Identifier: Apache-2.0
-- $1 from, $2 to (timestamptz text, inclusive), $3 first seq, $4 page size. Records of a time
-- range in chain order, with everything their hash covers.
SELECT seq, (extract(epoch FROM recorded_at) * 1000000)::bigint, COALESCE(org_id::text, ''),
       actor_kind, actor_id, action, target_kind, target_id, outcome, severity, source_address,
       details, prev_hash, hash
FROM audit_records
WHERE recorded_at BETWEEN $1::timestamptz AND $2::timestamptz AND seq >= $3
ORDER BY seq LIMIT $4
