-- SPDX-License-Identifier: Apache-2.0
-- wardlinectl keys reseal: writes one batch of re-sealed users.totp_secret_sealed (locked by the batch's
-- SELECT in the same transaction). $1 the rows' id (text[]), $2 the new values (hex).
UPDATE users t SET totp_secret_sealed = decode(u.v, 'hex')
FROM unnest($1::uuid[], $2::text[]) AS u(k, v)
WHERE t.id = u.k
