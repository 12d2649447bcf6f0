-- SPDX-License-Identifier: Apache-2.0
-- $1 node id. Deletes the node's connection rows, returning their users (the node's own row is
-- deleted next, by presence_node_delete.sql).
DELETE FROM presence_connections WHERE node_id = $1 RETURNING user_id
