-- SPDX-License-Identifier: Apache-2.0
-- $1 device id. The device erased its data: records when, and revokes it, so that it never
-- logs in again and the server proposes the Remove of its leaves in every group.
UPDATE devices SET wiped_at = now(), revoked_at = now(),
                   wipe_delivered_at = coalesce(wipe_delivered_at, now())
WHERE id = $1 AND wipe_requested_at IS NOT NULL AND wiped_at IS NULL AND revoked_at IS NULL
RETURNING user_id, org_id
