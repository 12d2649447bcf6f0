-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 user id. Every device of the user with its state (the first that applies of
-- wiped, revoked, wipe_pending, quarantined, active) and the times behind it (NULL if never).
SELECT id, name, platform, (extract(epoch FROM first_seen_at) * 1000)::bigint,
       (extract(epoch FROM last_seen_at) * 1000)::bigint, revoked_at IS NOT NULL,
       last_address,
       CASE WHEN wiped_at IS NOT NULL THEN 'wiped'
            WHEN revoked_at IS NOT NULL THEN 'revoked'
            WHEN wipe_requested_at IS NOT NULL THEN 'wipe_pending'
            WHEN quarantined_at IS NOT NULL THEN 'quarantined'
            ELSE 'active' END,
       (extract(epoch FROM quarantined_at) * 1000)::bigint,
       (extract(epoch FROM wipe_requested_at) * 1000)::bigint,
       (extract(epoch FROM wipe_delivered_at) * 1000)::bigint,
       (extract(epoch FROM wiped_at) * 1000)::bigint,
       (extract(epoch FROM revoked_at) * 1000)::bigint,
       coalesce(quarantine_reason, '')
FROM devices WHERE org_id = $1 AND user_id = $2
ORDER BY first_seen_at
