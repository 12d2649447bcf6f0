-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 mfa_required, $3 idle timeout s, $4 absolute lifetime s, $5 lockout threshold,
-- $6 break-glass minutes, $7 notification detail (each NULL to keep). Returns the policy as it
-- now is.
UPDATE organization_policies
SET mfa_required = COALESCE($2::boolean, mfa_required),
    session_idle_timeout_seconds = COALESCE($3::integer, session_idle_timeout_seconds),
    session_absolute_lifetime_seconds = COALESCE($4::integer, session_absolute_lifetime_seconds),
    lockout_threshold = COALESCE($5::integer, lockout_threshold),
    break_glass_minutes = COALESCE($6::integer, break_glass_minutes),
    notification_detail = COALESCE($7::text, notification_detail),
    updated_at = now()
WHERE org_id = $1
RETURNING mfa_required, session_idle_timeout_seconds, session_absolute_lifetime_seconds,
          lockout_threshold, break_glass_minutes, notification_detail
