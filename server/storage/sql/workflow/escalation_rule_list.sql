-- SPDX-License-Identifier: Apache-2.0
-- $1 org id. The organization's escalation rules, the organization-wide one first.
SELECT id, conversation_id, after_seconds, target_kind, team_id, role_name
FROM escalation_rules
WHERE org_id = $1
ORDER BY conversation_id NULLS FIRST
LIMIT 1000
