-- SPDX-License-Identifier: Apache-2.0
-- $1 conversation ids (uuid[]), $2 how many sequence numbers each takes (bigint[]), $3 how
-- much each epoch advances (bigint[]: 1 for an accepted commit, else 0). The rows are locked
-- already (stream_lock_conversations). Returns the new last_seq and epoch.
UPDATE conversations c
SET last_seq = c.last_seq + t.n, epoch = c.epoch + t.e
FROM unnest($1::uuid[], $2::bigint[], $3::bigint[]) AS t (id, n, e)
WHERE c.id = t.id
RETURNING c.id, c.last_seq, c.epoch
