-- SPDX-License-Identifier: Apache-2.0
-- $1 node id, $2 true: only while the node is dead. Locks the node's row for its removal: its
-- heartbeat (an UPDATE) and new connection rows of it (their foreign key check takes KEY SHARE)
-- wait until the removal commits. No row: the node is gone already, or alive again.
SELECT node_id FROM presence_nodes
WHERE node_id = $1 AND (NOT $2 OR heartbeat_at < now() - make_interval(secs => ttl_seconds))
FOR UPDATE
