-- SPDX-License-Identifier: Apache-2.0
-- $1 conversation id; parallel arrays $2 leaf indexes (integer[]), $3 user ids, $4 device ids.
INSERT INTO group_leaves (conversation_id, leaf_index, user_id, device_id)
SELECT $1, t.i, t.u, t.d
FROM unnest($2::integer[], $3::uuid[], $4::uuid[]) AS t (i, u, d)
