-- SPDX-License-Identifier: Apache-2.0
-- $1 node id. Whether this node is registered; KEY SHARE keeps it from being removed until the
-- transaction ends (taken before the user's lock, in the order presence_node_lock.sql takes them).
SELECT node_id FROM presence_nodes WHERE node_id = $1 FOR KEY SHARE
