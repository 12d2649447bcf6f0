-- SPDX-License-Identifier: Apache-2.0
-- $1 node id. Deletes the node's row (its connection rows go with it, ON DELETE CASCADE).
DELETE FROM presence_nodes WHERE node_id = $1
