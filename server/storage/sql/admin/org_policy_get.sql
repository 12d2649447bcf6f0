-- SPDX-License-Identifier: Apache-2.0
-- $1 org id. The organization's policy.
SELECT mfa_required, session_idle_timeout_seconds, session_absolute_lifetime_seconds,
       lockout_threshold, break_glass_minutes, notification_detail
FROM organization_policies WHERE org_id = $1
