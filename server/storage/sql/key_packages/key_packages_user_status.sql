-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 user id. The user's status; no row if the user is not of the organization.
SELECT status FROM users WHERE org_id = $1 AND id = $2
