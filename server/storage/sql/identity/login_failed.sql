-- SPDX-License-Identifier: Apache-2.0
-- $1 user id, $2 lockout threshold. Counts a failed password or second factor; locks the
-- account when the count reaches the threshold. Returns the new count and lock state.
UPDATE users
SET failed_logins = failed_logins + 1, last_failed_login_at = now(),
    locked = locked OR failed_logins + 1 >= $2
WHERE id = $1
RETURNING failed_logins, locked
