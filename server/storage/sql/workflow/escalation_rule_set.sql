-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 conversation id (NULL: the organization's rule), $3 the admin. Creates the rule
-- of that scope or takes over the existing one (same id); the caller then replaces its levels
-- (escalation_levels_clear, escalation_level_add) in the same transaction.
INSERT INTO escalation_rules (org_id, conversation_id, created_by)
VALUES ($1, $2, $3)
ON CONFLICT (org_id, COALESCE(conversation_id, '00000000-0000-0000-0000-000000000000'))
DO UPDATE SET created_by = EXCLUDED.created_by, created_at = now()
RETURNING id
