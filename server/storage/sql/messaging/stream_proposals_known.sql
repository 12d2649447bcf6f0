-- SPDX-License-Identifier: Apache-2.0
-- $1 conversation id, $2 epoch, $3 ProposalRefs (text[] of hex). How many of them name a
-- proposal stored in the conversation's stream at that epoch.
SELECT count(DISTINCT proposal_ref)
FROM messages
WHERE conversation_id = $1 AND kind = 'proposal' AND epoch = $2
  AND proposal_ref IN (SELECT decode(r, 'hex') FROM unnest($3::text[]) AS r)
