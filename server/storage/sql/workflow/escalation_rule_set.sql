-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 conversation id (NULL: the organization's rule), $3 after seconds,
-- $4 target kind, $5 team id, $6 role name, $7 the admin. Replaces the rule of that scope.
INSERT INTO escalation_rules (org_id, conversation_id, after_seconds, target_kind, team_id,
                              role_name, created_by)
VALUES ($1, $2, $3::double precision, $4, $5, $6, $7)
ON CONFLICT (org_id, COALESCE(conversation_id, '00000000-0000-0000-0000-000000000000'))
DO UPDATE SET after_seconds = EXCLUDED.after_seconds, target_kind = EXCLUDED.target_kind,
              team_id = EXCLUDED.team_id, role_name = EXCLUDED.role_name,
              created_by = EXCLUDED.created_by, created_at = now()
RETURNING id
