-- SPDX-License-Identifier: Apache-2.0
-- wardlinectl keys reseal, one batch of welcomes.welcome_sealed: the next rows after the cursor that are not
-- sealed under key $1, locked without waiting (rows the server holds are left for the next
-- pass). $2 cursor (welcome id), $3 limit. x1 is the conversation, x2 "DEVICE COMMIT_SEQ".
SELECT id::text, NULL::text, welcome_sealed, conversation_id::text, device_id::text || ' ' || commit_seq::text
FROM welcomes
WHERE id > $2::bigint AND sealed_key_id(welcome_sealed) <> $1
ORDER BY id
LIMIT $3
FOR NO KEY UPDATE SKIP LOCKED
