-- SPDX-License-Identifier: Apache-2.0
-- wardlinectl keys reseal, one batch of break_glass_grants.reason: the next rows after the cursor that are not
-- sealed under key $1, locked without waiting (rows the server holds are left for the next
-- pass). $2 cursor (grant id), $3 limit. The reason is base64 text.
SELECT id::text, NULL::text, decode(reason, 'base64'), NULL::text, NULL::text
FROM break_glass_grants
WHERE id > $2::uuid AND sealed_key_id(decode(reason, 'base64')) <> $1
ORDER BY id
LIMIT $3
FOR NO KEY UPDATE SKIP LOCKED
