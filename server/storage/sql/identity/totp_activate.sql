-- SPDX-License-Identifier: Apache-2.0
-- $1 user id, $2 time step of the confirming code. The pending secret becomes active.
UPDATE users SET totp_secret_sealed = totp_pending_sealed, totp_pending_sealed = NULL,
                 totp_last_step = $2, updated_at = now()
WHERE id = $1 AND totp_pending_sealed IS NOT NULL AND totp_secret_sealed IS NULL
