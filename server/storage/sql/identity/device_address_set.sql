-- SPDX-License-Identifier: Apache-2.0
-- $1 device id, $2 peer address. A login or resume from the device: remembers where it came
-- from and says what holds it (migrations: device control): quarantined, and a wipe ordered
-- and not yet confirmed.
UPDATE devices SET last_seen_at = now(), last_address = left($2, 64)
WHERE id = $1
RETURNING quarantined_at IS NOT NULL, wipe_requested_at IS NOT NULL AND wiped_at IS NULL
