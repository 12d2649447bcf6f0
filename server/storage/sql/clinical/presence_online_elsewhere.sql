-- SPDX-License-Identifier: Apache-2.0
-- $1 user ids (uuid[]), $2 node id. Those of the users who have a connection on a live node
-- other than $2.
SELECT DISTINCT c.user_id
FROM presence_connections c
JOIN presence_nodes n ON n.node_id = c.node_id
WHERE c.user_id = ANY ($1::uuid[]) AND c.node_id <> $2
  AND n.heartbeat_at >= now() - make_interval(secs => n.ttl_seconds)
