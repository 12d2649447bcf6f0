-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 rule id. Deletes the rule (its escalations keep their record, rule_id NULL).
DELETE FROM escalation_rules WHERE org_id = $1 AND id = $2 RETURNING id
