-- SPDX-License-Identifier: Apache-2.0
-- wardlinectl keys reseal, one batch of users.totp_secret_sealed: the next rows after the cursor that are not
-- sealed under key $1, locked without waiting (rows the server holds are left for the next
-- pass). $2 cursor (user id), $3 limit.
SELECT id::text, NULL::text, totp_secret_sealed, NULL::text, NULL::text
FROM users
WHERE id > $2::uuid AND totp_secret_sealed IS NOT NULL AND sealed_key_id(totp_secret_sealed) <> $1
ORDER BY id
LIMIT $3
FOR NO KEY UPDATE SKIP LOCKED
