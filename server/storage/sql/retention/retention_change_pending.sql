-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 scope, $3 kind or NULL, $4 conversation id or NULL. A pending change of exactly
-- this scope, if there is one.
SELECT id FROM retention_changes
WHERE org_id = $1 AND status = 'pending' AND scope = $2
  AND conversation_kind IS NOT DISTINCT FROM $3 AND conversation_id IS NOT DISTINCT FROM $4::uuid
