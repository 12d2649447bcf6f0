-- SPDX-License-Identifier: Apache-2.0
-- $1 device id. The wipe order reached one of the device's connections: the first time counts.
-- Returns a row only the first time.
UPDATE devices SET wipe_delivered_at = now()
WHERE id = $1 AND wipe_requested_at IS NOT NULL AND wipe_delivered_at IS NULL
RETURNING user_id
