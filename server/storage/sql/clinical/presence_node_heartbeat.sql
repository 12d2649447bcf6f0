-- SPDX-License-Identifier: Apache-2.0
-- $1 node id. The node's heartbeat. No row returned: the node was removed as dead and must
-- register again (presence_node_register.sql) and write its connections anew.
UPDATE presence_nodes SET heartbeat_at = now() WHERE node_id = $1 RETURNING node_id
