-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 scope, $3 kind or NULL, $4 conversation id or NULL. The policy of exactly this
-- scope, locked for the change that follows: id, keep_days (NULL forever). No row: none set.
SELECT id, keep_days FROM retention_policies
WHERE org_id = $1 AND scope = $2 AND conversation_kind IS NOT DISTINCT FROM $3
  AND conversation_id IS NOT DISTINCT FROM $4::uuid
FOR UPDATE
