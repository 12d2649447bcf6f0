-- SPDX-License-Identifier: Apache-2.0
-- $1 user id. The user's quiet hours; no row when they never set any.
SELECT enabled, start_minute, end_minute, time_zone FROM user_quiet_hours WHERE user_id = $1
