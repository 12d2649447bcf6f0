-- SPDX-License-Identifier: Apache-2.0
-- $1 rule id. Removes the rule's levels before escalation_rules.set writes the new chain.
DELETE FROM escalation_levels WHERE rule_id = $1
