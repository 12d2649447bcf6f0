-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 the caller's user id, $3 the MRN's blind index. The patient threads of that
-- MRN in which the caller is a member; threads the caller is not in are never returned.
SELECT c.id, c.patient_sealed, c.title_sealed, c.archived_at IS NOT NULL
FROM conversations c
JOIN conversation_members m ON m.conversation_id = c.id AND m.user_id = $2
WHERE c.org_id = $1 AND c.kind = 'patient' AND c.mrn_index = $3
ORDER BY c.id
LIMIT 100
