-- SPDX-License-Identifier: Apache-2.0
-- $1 first seq, $2 page size. Records in chain order with everything their hash covers.
SELECT seq, (extract(epoch FROM recorded_at) * 1000000)::bigint, COALESCE(org_id::text, ''),
       actor_kind, actor_id, action, target_kind, target_id, outcome, severity, source_address,
       details, prev_hash, hash
FROM audit_records WHERE seq >= $1 ORDER BY seq LIMIT $2
