-- SPDX-License-Identifier: Apache-2.0
-- $1 seq, $2 hash, $3 signed_at (µs since the Unix epoch), $4 key id, $5 signature. Another
-- server may have signed the same record already: then nothing happens.
INSERT INTO audit_checkpoints (seq, hash, signed_at, key_id, signature)
VALUES ($1, $2, timestamptz 'epoch' + $3::bigint * interval '1 microsecond', $4, $5)
ON CONFLICT (seq) DO NOTHING
