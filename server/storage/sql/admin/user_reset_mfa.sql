-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 user id. Removes the TOTP secret; recovery codes go with recovery_codes_clear.
UPDATE users SET totp_secret_sealed = NULL, totp_pending_sealed = NULL, totp_last_step = 0,
                 updated_at = now()
WHERE org_id = $1 AND id = $2
RETURNING id
