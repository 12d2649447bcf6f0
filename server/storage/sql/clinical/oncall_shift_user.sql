-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 user id. The user's status and display name, if the user is in the organization.
SELECT status, display_name FROM users WHERE org_id = $1 AND id = $2
