-- SPDX-License-Identifier: Apache-2.0
-- $1 user id. Sealed active and pending TOTP secrets and the last accepted time step.
SELECT totp_secret_sealed, totp_pending_sealed, totp_last_step FROM users WHERE id = $1
