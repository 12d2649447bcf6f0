-- SPDX-License-Identifier: Apache-2.0
-- $1 user id, $2 time step of an accepted code. Atomic replay guard: no row if a code of this
-- step or a later one was already used (RFC 6238 §5.2).
UPDATE users SET totp_last_step = $2 WHERE id = $1 AND totp_last_step < $2
RETURNING id
