-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 the lower user id, $3 the higher one. The direct conversation of the pair.
SELECT id FROM conversations
WHERE org_id = $1 AND kind = 'direct' AND direct_low = $2 AND direct_high = $3
