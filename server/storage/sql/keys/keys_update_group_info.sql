-- SPDX-License-Identifier: Apache-2.0
-- wardlinectl keys reseal: writes one batch of re-sealed group_infos.group_info_sealed (locked by the batch's
-- SELECT in the same transaction). $1 the rows' conversation_id (text[]), $2 the new values (hex).
UPDATE group_infos t SET group_info_sealed = decode(u.v, 'hex')
FROM unnest($1::uuid[], $2::text[]) AS u(k, v)
WHERE t.conversation_id = u.k
