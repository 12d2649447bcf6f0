-- SPDX-License-Identifier: Apache-2.0
-- $1 org id. The active users of the organization whose roles hold break_glass.review: they
-- are told of every grant opened (break_glass.opened).
SELECT DISTINCT u.id
FROM users u
JOIN user_roles ur ON ur.user_id = u.id
JOIN role_permissions rp ON rp.role_id = ur.role_id AND rp.permission = 'break_glass.review'
WHERE u.org_id = $1 AND u.status = 'active'
ORDER BY u.id
