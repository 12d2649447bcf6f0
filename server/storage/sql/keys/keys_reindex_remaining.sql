-- SPDX-License-Identifier: Apache-2.0
-- wardlinectl keys reindex: how many patient threads still have their MRN index under another
-- blind index key than $1 (rows a pass skipped because the server held them included).
SELECT count(*)::bigint
FROM conversations
WHERE mrn_index IS NOT NULL AND mrn_index_key_id <> $1
