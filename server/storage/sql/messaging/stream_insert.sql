-- SPDX-License-Identifier: Apache-2.0
-- Parallel arrays, one element per message: $1 conversation id, $2 seq, $3 org id, $4 kind,
-- $5 sender user, $6 sender device, $7 client message id, $8 priority, $9 epoch, $10 the sealed
-- body (hex text), $11 expires_at (ms since the epoch, NULL for none), $12 the ProposalRef of a
-- proposal (hex text, NULL for none). Returns created_at (ms).
INSERT INTO messages (conversation_id, seq, org_id, kind, sender_user_id, sender_device_id,
                      client_msg_id, priority, epoch, body_sealed, expires_at, proposal_ref)
SELECT t.c, t.s, t.o, t.k, t.u, t.d, t.m, t.p, t.e, decode(t.b, 'hex'),
       CASE WHEN t.x IS NULL THEN NULL ELSE to_timestamp(t.x / 1000.0) END,
       CASE WHEN t.r IS NULL THEN NULL ELSE decode(t.r, 'hex') END
FROM unnest($1::uuid[], $2::bigint[], $3::uuid[], $4::text[], $5::uuid[], $6::uuid[], $7::uuid[],
            $8::smallint[], $9::bigint[], $10::text[], $11::bigint[], $12::text[])
     AS t (c, s, o, k, u, d, m, p, e, b, x, r)
RETURNING conversation_id, seq, (extract(epoch FROM created_at) * 1000)::bigint
