-- SPDX-License-Identifier: Apache-2.0
-- wardlinectl keys reseal, one batch of conversations.patient_sealed: the next rows after the cursor that are not
-- sealed under key $1, locked without waiting (rows the server holds are left for the next
-- pass). $2 cursor (conversation id), $3 limit.
SELECT id::text, NULL::text, patient_sealed, NULL::text, NULL::text
FROM conversations
WHERE id > $2::uuid AND patient_sealed IS NOT NULL AND sealed_key_id(patient_sealed) <> $1
ORDER BY id
LIMIT $3
FOR NO KEY UPDATE SKIP LOCKED
