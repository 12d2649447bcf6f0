-- SPDX-License-Identifier: Apache-2.0
-- $1 conversation id, $2 the reading/receiving user, $3 after this seq, $4 up to this seq.
-- The other users who sent application messages in that range, and the highest such seq of
-- each: who gets a receipt.read / receipt.delivered, coalesced to one event per sender.
SELECT sender_user_id, max(seq)
FROM messages
WHERE conversation_id = $1 AND seq > $3 AND seq <= $4 AND kind = 'application'
  AND sender_user_id IS NOT NULL AND sender_user_id <> $2
GROUP BY sender_user_id
