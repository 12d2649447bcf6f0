-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 user id. One row if the user belongs to the organization.
SELECT 1 FROM users WHERE org_id = $1 AND id = $2::uuid
