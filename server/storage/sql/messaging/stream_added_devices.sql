-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 conversation id, $3 user ids (uuid[]), $4 device ids (uuid[]), parallel: the
-- devices a commit adds. For each: whether the user is a current member of the conversation,
-- and whether the device is the user's, of the organization and not revoked.
SELECT t.u, t.d,
       EXISTS (SELECT 1 FROM conversation_members m
               WHERE m.conversation_id = $2 AND m.user_id = t.u AND m.org_id = $1),
       EXISTS (SELECT 1 FROM devices d
               WHERE d.id = t.d AND d.user_id = t.u AND d.org_id = $1 AND d.revoked_at IS NULL)
FROM unnest($3::uuid[], $4::uuid[]) AS t (u, d)
