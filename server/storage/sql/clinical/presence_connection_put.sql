-- SPDX-License-Identifier: Apache-2.0
-- $1 node id, $2 user id, $3 the user's connections on the node (above zero). The row takes
-- the user's organization from users.
INSERT INTO presence_connections (node_id, user_id, org_id, connections)
SELECT $1::text, u.id, u.org_id, $3::integer FROM users u WHERE u.id = $2::uuid
ON CONFLICT (node_id, user_id)
DO UPDATE SET connections = EXCLUDED.connections, updated_at = now()
