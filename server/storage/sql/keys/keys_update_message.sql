-- SPDX-License-Identifier: Apache-2.0
-- wardlinectl keys reseal: writes one batch of re-sealed messages.body_sealed (locked by the
-- batch's SELECT in the same transaction). $1 conversation ids (text[]), $2 seqs, $3 the new
-- values (hex).
UPDATE messages t SET body_sealed = decode(u.v, 'hex')
FROM unnest($1::uuid[], $2::bigint[], $3::text[]) AS u(c, s, v)
WHERE t.conversation_id = u.c AND t.seq = u.s
