-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 user id.
SELECT id, name, platform, (extract(epoch FROM first_seen_at) * 1000)::bigint,
       (extract(epoch FROM last_seen_at) * 1000)::bigint, revoked_at IS NOT NULL
FROM devices WHERE org_id = $1 AND user_id = $2
ORDER BY first_seen_at
