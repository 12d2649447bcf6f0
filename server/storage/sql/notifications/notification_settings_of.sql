-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 user id. What the session tells the client about notifications: the
-- organization's notification detail and the user's own quiet hours (NULLs without a row).
SELECT COALESCE(p.notification_detail, 'kind'), q.enabled, q.start_minute, q.end_minute,
       q.time_zone
FROM organizations o
LEFT JOIN organization_policies p ON p.org_id = o.id
LEFT JOIN user_quiet_hours q ON q.user_id = $2
WHERE o.id = $1
