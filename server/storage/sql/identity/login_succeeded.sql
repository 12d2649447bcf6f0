-- SPDX-License-Identifier: Apache-2.0
-- $1 user id. A completed login clears the failure count.
UPDATE users SET failed_logins = 0 WHERE id = $1 AND failed_logins <> 0
