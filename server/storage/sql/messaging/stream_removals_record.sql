-- SPDX-License-Identifier: Apache-2.0
-- $1 conversation id, $2 epoch; parallel arrays $3 leaf indexes, $4 device ids, $5 seqs of the
-- stored proposals.
INSERT INTO server_removals (conversation_id, epoch, leaf_index, device_id, seq)
SELECT $1, $2, t.l, t.d, t.s
FROM unnest($3::integer[], $4::uuid[], $5::bigint[]) AS t (l, d, s)
