-- SPDX-License-Identifier: Apache-2.0
-- $1 session id. Activity on a live session moves its idle deadline.
UPDATE sessions SET last_seen_at = now() WHERE id = $1 AND ended_at IS NULL
