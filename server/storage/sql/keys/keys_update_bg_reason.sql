-- SPDX-License-Identifier: Apache-2.0
-- wardlinectl keys reseal: writes one batch of re-sealed break_glass_grants.reason (locked by the batch's
-- SELECT in the same transaction). $1 the rows' id (text[]), $2 the new values (base64, as the column holds it).
UPDATE break_glass_grants t SET reason = u.v
FROM unnest($1::uuid[], $2::text[]) AS u(k, v)
WHERE t.id = u.k
