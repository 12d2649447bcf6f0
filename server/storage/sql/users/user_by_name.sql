-- SPDX-License-Identifier: Apache-2.0
-- $1 organization name, $2 canonical username. The user's id and organization id.
SELECT u.id, u.org_id FROM users u JOIN organizations o ON o.id = u.org_id
WHERE o.name = $1 AND u.username_canonical = $2
