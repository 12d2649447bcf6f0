-- SPDX-License-Identifier: Apache-2.0
-- wardlinectl keys reindex, one batch: the next patient threads after the cursor whose MRN
-- index is not under blind index key $1, locked without waiting. $2 cursor (conversation id),
-- $3 limit. The sealed identifiers are opened to recompute the index.
SELECT id::text, patient_sealed
FROM conversations
WHERE id > $2::uuid AND mrn_index IS NOT NULL AND mrn_index_key_id <> $1
ORDER BY id
LIMIT $3
FOR NO KEY UPDATE SKIP LOCKED
