-- SPDX-License-Identifier: Apache-2.0
-- $1 user id. The permissions of all the user's roles, sorted.
SELECT DISTINCT rp.permission
FROM user_roles ur JOIN role_permissions rp ON rp.role_id = ur.role_id
WHERE ur.user_id = $1
ORDER BY 1
