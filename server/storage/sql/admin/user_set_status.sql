-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 user id, $3 new status, $4 text array of statuses it may change from.
-- No row if the user is not of the organization or not in one of those statuses.
UPDATE users SET status = $3, updated_at = now()
WHERE org_id = $1 AND id = $2 AND status = ANY ($4::text[])
RETURNING id
