-- SPDX-License-Identifier: Apache-2.0
-- $1 session id. Activity on a live session moves its idle deadline. No row: the session was
-- ended elsewhere (another server node, wardlinectl), and the connection must drop it.
UPDATE sessions SET last_seen_at = now() WHERE id = $1 AND ended_at IS NULL
RETURNING id
