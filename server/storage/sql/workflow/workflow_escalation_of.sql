-- SPDX-License-Identifier: Apache-2.0
-- $1 conversation id, $2 seq. The message's escalation, if it escalated: status, targets,
-- the recipients pending then, when (ms).
SELECT status, array_to_string(targets, ','), array_to_string(pending_users, ','),
       (extract(epoch FROM escalated_at) * 1000)::bigint
FROM escalations
WHERE conversation_id = $1 AND seq = $2
