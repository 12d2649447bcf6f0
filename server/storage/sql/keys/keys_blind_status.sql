-- SPDX-License-Identifier: Apache-2.0
-- wardlinectl keys status: patient threads per blind index key id.
SELECT mrn_index_key_id, count(*) FROM conversations
WHERE mrn_index IS NOT NULL GROUP BY 1 ORDER BY 1
