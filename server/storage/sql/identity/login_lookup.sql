-- SPDX-License-Identifier: Apache-2.0
-- $1 organization name, $2 canonical username. The account a login names, with what the
-- login decision needs. No row if either does not exist.
SELECT u.id, u.org_id, u.password_hash, u.status, u.locked, u.failed_logins,
       COALESCE((extract(epoch FROM u.last_failed_login_at) * 1000)::bigint, 0) AS last_failed_ms,
       u.must_change_password, u.totp_secret_sealed IS NOT NULL AS mfa_enrolled,
       u.username, u.display_name,
       COALESCE(p.mfa_required, true) AS mfa_required,
       COALESCE(p.lockout_threshold, 10) AS lockout_threshold,
       COALESCE(p.session_idle_timeout_seconds, 900) AS idle_timeout,
       COALESCE(p.session_absolute_lifetime_seconds, 43200) AS absolute_lifetime,
       EXISTS (SELECT 1 FROM user_roles ur JOIN roles r ON r.id = ur.role_id
               WHERE ur.user_id = u.id AND r.privileged) AS privileged
FROM organizations o
JOIN users u ON u.org_id = o.id AND u.username_canonical = $2
LEFT JOIN organization_policies p ON p.org_id = o.id
WHERE o.name = $1
