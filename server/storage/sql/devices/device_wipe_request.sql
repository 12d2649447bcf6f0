-- SPDX-License-Identifier: Apache-2.0
-- $1 device id. Orders a live device to wipe.
UPDATE devices SET wipe_requested_at = now()
WHERE id = $1 AND revoked_at IS NULL AND wipe_requested_at IS NULL
