-- SPDX-License-Identifier: Apache-2.0
-- $1 token hash (bytea), $2 device id. The session the token names, only if it is live: not
-- ended, before its absolute and idle deadlines, its device not revoked, its user active.
SELECT s.id, s.org_id, s.user_id, s.device_id, s.idle_timeout_seconds,
       (extract(epoch FROM s.expires_at) * 1000)::bigint AS expires_ms,
       u.username, u.display_name
FROM sessions s
JOIN users u ON u.id = s.user_id AND u.status = 'active'
JOIN devices d ON d.id = s.device_id AND d.revoked_at IS NULL
WHERE s.token_hash = $1 AND s.device_id = $2 AND s.ended_at IS NULL
  AND s.expires_at > now()
  AND s.last_seen_at + make_interval(secs => s.idle_timeout_seconds) > now()
