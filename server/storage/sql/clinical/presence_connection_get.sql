-- SPDX-License-Identifier: Apache-2.0
-- $1 node id, $2 user id. The user's connection count on the node as stored (no row: none).
SELECT connections FROM presence_connections WHERE node_id = $1 AND user_id = $2
