-- SPDX-License-Identifier: Apache-2.0
-- $1 conversation id, $2 seq. Every level of the message's escalation chain that fired, in
-- order: level, status, targets, the recipients pending then, when (ms).
SELECT level, status, array_to_string(targets, ','), array_to_string(pending_users, ','),
       (extract(epoch FROM escalated_at) * 1000)::bigint
FROM escalations
WHERE conversation_id = $1 AND seq = $2
ORDER BY level
