-- SPDX-License-Identifier: Apache-2.0
-- $1 user id. What re-checking a signed-in user's second factor needs (break-glass): the sealed
-- TOTP secret (NULL: not enrolled), the failure count and time of the last failure (the login
-- path's throttle), the lock and the organization's lockout threshold.
SELECT u.totp_secret_sealed, u.failed_logins,
       COALESCE((extract(epoch FROM u.last_failed_login_at) * 1000)::bigint, 0) AS last_failed_ms,
       u.locked, COALESCE(p.lockout_threshold, 10) AS lockout_threshold
FROM users u
LEFT JOIN organization_policies p ON p.org_id = u.org_id
WHERE u.id = $1
