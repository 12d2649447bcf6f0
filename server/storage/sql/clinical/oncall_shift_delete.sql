-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 shift id. The removed shift's team and user.
DELETE FROM oncall_shifts WHERE org_id = $1 AND id = $2 RETURNING team_id, user_id
