-- SPDX-License-Identifier: Apache-2.0
-- $1 conversation id. The occupied leaves of its MLS group as the server follows them.
SELECT leaf_index, user_id, device_id
FROM group_leaves
WHERE conversation_id = $1
ORDER BY leaf_index
