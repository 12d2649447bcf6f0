-- SPDX-License-Identifier: Apache-2.0
-- $1 id, $2 org id, $3 kind, $4 title_sealed, $5 topic_sealed, $6 direct_low, $7 direct_high,
-- $8 roles (text[]), $9 unit, $10 patient_sealed, $11 mrn_index, $12 mls_group_id,
-- $13 created_by, $14 the blind index key id of mrn_index. No row when a unique constraint holds it back (the direct pair exists, or
-- the MLS group id is taken): the caller then finds out which.
INSERT INTO conversations (id, org_id, kind, title_sealed, topic_sealed, direct_low, direct_high,
                           roles, unit, patient_sealed, mrn_index, mls_group_id, created_by,
                           mrn_index_key_id)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text[], $9, $10, $11, $12, $13, $14)
ON CONFLICT DO NOTHING
RETURNING id
