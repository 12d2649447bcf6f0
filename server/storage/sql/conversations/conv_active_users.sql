-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 user ids (uuid[]). Those of them that are active users of the organization;
-- a user of another organization, a suspended or deactivated one and an unknown id are all
-- simply missing from the answer.
SELECT id FROM users WHERE org_id = $1 AND status = 'active' AND id = ANY ($2::uuid[])
