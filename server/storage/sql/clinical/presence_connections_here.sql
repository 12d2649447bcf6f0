-- SPDX-License-Identifier: Apache-2.0
-- $1 node id, $2 user ids (uuid[]). Those of the users with a connection row on the node.
SELECT user_id FROM presence_connections WHERE node_id = $1 AND user_id = ANY ($2::uuid[])
