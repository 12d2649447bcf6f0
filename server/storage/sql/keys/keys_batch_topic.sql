-- SPDX-License-Identifier: Apache-2.0
-- wardlinectl keys reseal, one batch of conversations.topic_sealed: the next rows after the cursor that are not
-- sealed under key $1, locked without waiting (rows the server holds are left for the next
-- pass). $2 cursor (conversation id), $3 limit.
SELECT id::text, NULL::text, topic_sealed, NULL::text, NULL::text
FROM conversations
WHERE id > $2::uuid AND topic_sealed IS NOT NULL AND sealed_key_id(topic_sealed) <> $1
ORDER BY id
LIMIT $3
FOR NO KEY UPDATE SKIP LOCKED
