-- SPDX-License-Identifier: Apache-2.0
-- The nodes whose heartbeat is older than their TTL: dead, to be removed (presence_node_lock.sql).
SELECT node_id FROM presence_nodes
WHERE heartbeat_at < now() - make_interval(secs => ttl_seconds)
ORDER BY node_id
