-- SPDX-License-Identifier: Apache-2.0
-- $1 user id, $2 code hash. Spends an unused code; no row if there is none.
UPDATE recovery_codes SET used_at = now()
WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL
RETURNING user_id
