-- SPDX-License-Identifier: Apache-2.0
-- wardlinectl keys reseal, one batch of messages.body_sealed: the next rows after the cursor that are not
-- sealed under key $1, locked without waiting (rows the server holds are left for the next
-- pass). $2, $3 cursor (conversation id, seq), $4 limit.
SELECT conversation_id::text, seq::text, body_sealed, NULL::text, NULL::text
FROM messages
WHERE (conversation_id, seq) > ($2::uuid, $3::bigint) AND sealed_key_id(body_sealed) <> $1
ORDER BY conversation_id, seq
LIMIT $4
FOR NO KEY UPDATE SKIP LOCKED
