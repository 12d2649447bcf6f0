-- SPDX-License-Identifier: Apache-2.0
-- $1 conversation id, $2 epoch, $3 ProposalRefs (text[] of hex). The stored proposals they
-- name, with their seq (the sealed body's associated data).
SELECT seq, body_sealed
FROM messages
WHERE conversation_id = $1 AND kind = 'proposal' AND epoch = $2
  AND proposal_ref IN (SELECT decode(r, 'hex') FROM unnest($3::text[]) AS r)
ORDER BY seq
