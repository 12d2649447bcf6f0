-- SPDX-License-Identifier: Apache-2.0
-- $1 org id. The organization's escalation rules, the organization-wide one first, one row per
-- level in chain order (at most 1000 rules of at most 5 levels).
SELECT r.id, r.conversation_id, l.level, l.after_seconds, l.target_kind, l.team_id, l.role_name
FROM escalation_rules r
JOIN escalation_levels l ON l.rule_id = r.id
WHERE r.org_id = $1
ORDER BY r.conversation_id NULLS FIRST, r.id, l.level
LIMIT 5000
