-- SPDX-License-Identifier: Apache-2.0
-- wardlinectl keys reseal: writes one batch of re-sealed conversations.topic_sealed (locked by the batch's
-- SELECT in the same transaction). $1 the rows' id (text[]), $2 the new values (hex).
UPDATE conversations t SET topic_sealed = decode(u.v, 'hex')
FROM unnest($1::uuid[], $2::text[]) AS u(k, v)
WHERE t.id = u.k
