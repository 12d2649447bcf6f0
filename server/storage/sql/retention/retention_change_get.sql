-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 change id. The change, locked: scope, kind, conversation id, keep_days,
-- proposed_by, status. No row for another organization's or an unknown one.
SELECT scope, conversation_kind, conversation_id, keep_days, proposed_by, status
FROM retention_changes WHERE org_id = $1 AND id = $2::uuid
FOR UPDATE
