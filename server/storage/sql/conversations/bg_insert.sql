-- SPDX-License-Identifier: Apache-2.0
-- $1 grant id, $2 org id, $3 user id, $4 conversation id, $5 the sealed reason (base64).
-- A break-glass grant on one conversation for the organization's break_glass_minutes. Its
-- holder receives the stream from the next message on (from_seq).
INSERT INTO break_glass_grants (id, org_id, user_id, target_kind, target_id, reason, expires_at,
                                from_seq)
SELECT $1, $2, $3, 'conversation', $4, $5,
       now() + make_interval(mins => coalesce(
           (SELECT p.break_glass_minutes FROM organization_policies p WHERE p.org_id = $2), 60)),
       (SELECT c.last_seq + 1 FROM conversations c WHERE c.id::text = $4)
RETURNING to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
