-- SPDX-License-Identifier: Apache-2.0
-- wardlinectl keys reseal, one batch of group_infos.group_info_sealed: the next rows after the cursor that are not
-- sealed under key $1, locked without waiting (rows the server holds are left for the next
-- pass). $2 cursor (conversation id), $3 limit.
SELECT conversation_id::text, NULL::text, group_info_sealed, NULL::text, NULL::text
FROM group_infos
WHERE conversation_id > $2::uuid AND sealed_key_id(group_info_sealed) <> $1
ORDER BY conversation_id
LIMIT $3
FOR NO KEY UPDATE SKIP LOCKED
