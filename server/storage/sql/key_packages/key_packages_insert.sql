-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 user id, $3 device id, $4 KeyPackageRefs (text[] of hex), $5 the
-- MLSMessage(KeyPackage) bytes (text[] of hex), $6 cipher suites (integer[]), $7 not_after
-- (bigint[], seconds since the epoch), $8 last resort (boolean). The arrays are parallel. A
-- KeyPackage whose reference is stored already is skipped; returns one row per row stored.
INSERT INTO key_packages (org_id, user_id, device_id, ref, key_package, cipher_suite, not_after,
                          last_resort)
SELECT $1, $2, $3, decode(k.ref, 'hex'), decode(k.message, 'hex'), k.suite, to_timestamp(k.not_after),
       $8
FROM unnest($4::text[], $5::text[], $6::integer[], $7::bigint[]) AS k (ref, message, suite, not_after)
ON CONFLICT (ref) DO NOTHING
RETURNING id
