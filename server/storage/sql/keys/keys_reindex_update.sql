-- SPDX-License-Identifier: Apache-2.0
-- wardlinectl keys reindex: one batch of recomputed MRN indexes. $1 conversation ids (text[]),
-- $2 the indexes (hex text[]), $3 the blind index key id they were computed under.
UPDATE conversations t SET mrn_index = decode(u.v, 'hex'), mrn_index_key_id = $3
FROM unnest($1::uuid[], $2::text[]) AS u(k, v)
WHERE t.id = u.k
