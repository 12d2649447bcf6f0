-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 scope, $3 user id or NULL, $4 conversation id or NULL, $5 case name, $6 from
-- (ms), $7 until (ms) or NULL, $8 the compliance officer. Returns the id.
INSERT INTO legal_holds (org_id, scope, user_id, conversation_id, case_name, starts_at, ends_at,
                         placed_by)
VALUES ($1, $2, $3::uuid, $4::uuid, $5, to_timestamp($6::bigint / 1000.0),
        to_timestamp($7::bigint / 1000.0), $8)
RETURNING id
