-- SPDX-License-Identifier: Apache-2.0
-- $1 device id, $2 the administrator's reason or NULL. Quarantines a live device.
UPDATE devices SET quarantined_at = now(), quarantine_reason = $2
WHERE id = $1 AND revoked_at IS NULL AND quarantined_at IS NULL
