-- SPDX-License-Identifier: Apache-2.0
-- $1 user id, $2 sealed secret. Enrollment: stored, not active until confirmed.
UPDATE users SET totp_pending_sealed = $2 WHERE id = $1 AND totp_secret_sealed IS NULL
