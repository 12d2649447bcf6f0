-- SPDX-License-Identifier: Apache-2.0
-- $1 policy id, $2 keep_days (NULL forever), $3 the user who set it.
UPDATE retention_policies SET keep_days = $2, updated_by = $3, updated_at = now() WHERE id = $1
