-- SPDX-License-Identifier: Apache-2.0
-- $1 seq, $2 recorded_at (µs since the Unix epoch), $3 org id or NULL, $4 actor kind,
-- $5 actor id, $6 action, $7 target kind, $8 target id, $9 outcome, $10 severity,
-- $11 source address, $12 details (JSON text, as hashed), $13 prev hash, $14 hash.
INSERT INTO audit_records (seq, recorded_at, org_id, actor_kind, actor_id, action, target_kind,
                           target_id, outcome, severity, source_address, details, prev_hash, hash)
VALUES ($1, timestamptz 'epoch' + $2::bigint * interval '1 microsecond', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
