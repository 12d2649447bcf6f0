-- SPDX-License-Identifier: Apache-2.0
-- $1 user id, $2 enabled, $3 start minute, $4 end minute, $5 time zone (already checked with
-- time_zone_known). Replaces the user's quiet hours; returns them as stored.
INSERT INTO user_quiet_hours (user_id, enabled, start_minute, end_minute, time_zone)
VALUES ($1, $2::boolean, $3::integer, $4::integer, $5)
ON CONFLICT (user_id) DO UPDATE
SET enabled = EXCLUDED.enabled, start_minute = EXCLUDED.start_minute,
    end_minute = EXCLUDED.end_minute, time_zone = EXCLUDED.time_zone, updated_at = now()
RETURNING enabled, start_minute, end_minute, time_zone
