-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, or NULL for every organization. The policies: id, organization name, scope, kind,
-- conversation, keep_days (NULL forever), updated by, updated at (ms); organization first, then
-- kinds, then conversations.
SELECT p.id, o.name, p.scope, p.conversation_kind, p.conversation_id, p.keep_days, p.updated_by,
       (extract(epoch FROM p.updated_at) * 1000)::bigint, p.org_id
FROM retention_policies p JOIN organizations o ON o.id = p.org_id
WHERE $1::uuid IS NULL OR p.org_id = $1::uuid
ORDER BY o.name, CASE p.scope WHEN 'organization' THEN 0 WHEN 'kind' THEN 1 ELSE 2 END,
         p.conversation_kind, p.conversation_id
