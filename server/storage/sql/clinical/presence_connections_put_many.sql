-- SPDX-License-Identifier: Apache-2.0
-- $1 node id, $2 user ids (uuid[]), $3 their connections on the node (integer[], each above
-- zero, in the same order). One statement for a batch of users; each row takes the user's
-- organization from users.
INSERT INTO presence_connections (node_id, user_id, org_id, connections)
SELECT $1::text, u.id, u.org_id, c.n
FROM unnest($2::uuid[], $3::integer[]) AS c(id, n)
JOIN users u ON u.id = c.id
ON CONFLICT (node_id, user_id)
DO UPDATE SET connections = EXCLUDED.connections, updated_at = now()
