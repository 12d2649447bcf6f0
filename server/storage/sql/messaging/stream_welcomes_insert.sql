-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 conversation id, $3 device ids (uuid[]), $4 the commit's seq, $5 the sealed
-- Welcome per device (hex text[], parallel to $3). The device's delivery cursor moves to the
-- commit: it cannot read what came before it joined.
WITH stored AS (
    INSERT INTO welcomes (org_id, conversation_id, device_id, commit_seq, welcome_sealed)
    SELECT $1, $2, t.d, $4, decode(t.w, 'hex')
    FROM unnest($3::uuid[], $5::text[]) AS t (d, w)
    RETURNING device_id
)
INSERT INTO device_cursors (device_id, conversation_id, delivered_seq)
SELECT device_id, $2, $4 FROM stored
ON CONFLICT (device_id, conversation_id)
DO UPDATE SET delivered_seq = GREATEST(device_cursors.delivered_seq, EXCLUDED.delivered_seq),
              updated_at = now()
