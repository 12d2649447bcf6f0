-- SPDX-License-Identifier: Apache-2.0
-- $1 user id. The stored Argon2id hash and what the password rules need.
SELECT u.password_hash, u.username, o.name AS org_name,
       EXISTS (SELECT 1 FROM user_roles ur JOIN roles r ON r.id = ur.role_id
               WHERE ur.user_id = u.id AND r.privileged) AS privileged
FROM users u JOIN organizations o ON o.id = u.org_id
WHERE u.id = $1
