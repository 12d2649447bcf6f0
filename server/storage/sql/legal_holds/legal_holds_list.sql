-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 include released ones. Holds, newest first: id, scope, user id, conversation id,
-- case name, from, until (ms), placed by, placed at (ms), release requested by, at (ms),
-- released by, at (ms).
SELECT id, scope, user_id, conversation_id, case_name,
       (extract(epoch FROM starts_at) * 1000)::bigint, (extract(epoch FROM ends_at) * 1000)::bigint,
       placed_by, (extract(epoch FROM placed_at) * 1000)::bigint,
       release_requested_by, (extract(epoch FROM release_requested_at) * 1000)::bigint,
       released_by, (extract(epoch FROM released_at) * 1000)::bigint
FROM legal_holds
WHERE org_id = $1 AND ($2::boolean OR released_at IS NULL)
ORDER BY placed_at DESC, id
LIMIT 1000
