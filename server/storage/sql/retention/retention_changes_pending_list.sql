-- SPDX-License-Identifier: Apache-2.0
-- $1 org id. Pending changes: id, scope, kind, conversation id, keep_days, previous keep_days,
-- proposed_by, proposed at (ms).
SELECT id, scope, conversation_kind, conversation_id, keep_days, previous_keep_days, proposed_by,
       (extract(epoch FROM proposed_at) * 1000)::bigint
FROM retention_changes WHERE org_id = $1 AND status = 'pending' ORDER BY proposed_at
