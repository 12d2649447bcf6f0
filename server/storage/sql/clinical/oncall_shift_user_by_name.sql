-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 canonical username. The user's id and status.
SELECT id, status FROM users WHERE org_id = $1 AND username_canonical = $2
