-- SPDX-License-Identifier: Apache-2.0
-- $1 node id, $2 user ids (uuid[]). The users have no connection left on the node.
DELETE FROM presence_connections WHERE node_id = $1 AND user_id = ANY ($2::uuid[])
