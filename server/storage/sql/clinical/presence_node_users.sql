-- SPDX-License-Identifier: Apache-2.0
-- $1 node id. The users with connections on the node.
SELECT user_id FROM presence_connections WHERE node_id = $1
