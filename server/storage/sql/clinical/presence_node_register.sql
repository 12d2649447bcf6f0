-- SPDX-License-Identifier: Apache-2.0
-- $1 node id, $2 its TTL in seconds. Registers this server process as a live presence node, at
-- start and again when it finds its row gone (another node took it for dead and removed it).
INSERT INTO presence_nodes (node_id, ttl_seconds) VALUES ($1, $2)
ON CONFLICT (node_id) DO UPDATE SET ttl_seconds = EXCLUDED.ttl_seconds, heartbeat_at = now()
