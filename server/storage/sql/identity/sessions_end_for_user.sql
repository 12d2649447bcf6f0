-- SPDX-License-Identifier: Apache-2.0
-- $1 user id, $2 reason, $3 session id to keep (NULL: end all). Returns the ended sessions.
UPDATE sessions SET ended_at = now(), end_reason = $2
WHERE user_id = $1 AND ended_at IS NULL AND ($3::uuid IS NULL OR id <> $3::uuid)
RETURNING id
