-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 hold id. The hold, locked: release requested by (or NULL), released (bool).
SELECT release_requested_by, released_at IS NOT NULL
FROM legal_holds WHERE org_id = $1 AND id = $2::uuid
FOR UPDATE
