-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 user id. Live sessions only.
SELECT id, device_id, (extract(epoch FROM created_at) * 1000)::bigint,
       (extract(epoch FROM last_seen_at) * 1000)::bigint,
       (extract(epoch FROM expires_at) * 1000)::bigint, source_address
FROM sessions
WHERE org_id = $1 AND user_id = $2 AND ended_at IS NULL AND expires_at > now()
ORDER BY created_at
