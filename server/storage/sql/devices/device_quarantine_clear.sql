-- SPDX-License-Identifier: Apache-2.0
-- $1 device id. Lifts a quarantine.
UPDATE devices SET quarantined_at = NULL, quarantine_reason = NULL
WHERE id = $1 AND quarantined_at IS NOT NULL
