-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 the caller's user id, $3 the MRN's blind index under every live key (hex
-- text[]: rows not yet re-indexed under the newest key are found too). The patient threads of that
-- MRN in which the caller is a member or holds a live break-glass grant; other threads are
-- never returned. The last column says whether the caller is a member.
SELECT c.id, c.patient_sealed, c.title_sealed, c.archived_at IS NOT NULL,
       m.user_id IS NOT NULL AS member
FROM conversations c
LEFT JOIN conversation_members m ON m.conversation_id = c.id AND m.user_id = $2
WHERE c.org_id = $1 AND c.kind = 'patient' AND c.mrn_index = ANY (ARRAY(SELECT decode(h, 'hex') FROM unnest($3::text[]) AS h))
  AND (m.user_id IS NOT NULL
       OR EXISTS (SELECT 1 FROM break_glass_grants g
                  WHERE g.org_id = $1 AND g.user_id = $2 AND g.target_kind = 'conversation'
                    AND g.target_id = c.id::text AND g.expires_at > now()
                    AND g.revoked_at IS NULL))
ORDER BY c.id
LIMIT 100
