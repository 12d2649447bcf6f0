-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 device id. The device of the organization and what holds it, locked for the
-- change that follows; no row for another organization's device or an unknown one.
SELECT user_id, quarantined_at IS NOT NULL, wipe_requested_at IS NOT NULL,
       wiped_at IS NOT NULL, revoked_at IS NOT NULL
FROM devices WHERE org_id = $1 AND id = $2
FOR UPDATE
