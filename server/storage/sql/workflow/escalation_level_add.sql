-- SPDX-License-Identifier: Apache-2.0
-- $1 rule id, $2 org id, $3 level (1-5), $4 after seconds, $5 target kind, $6 team id or NULL,
-- $7 role name or NULL. One level of a rule's chain.
INSERT INTO escalation_levels (rule_id, org_id, level, after_seconds, target_kind, team_id,
                               role_name)
VALUES ($1, $2, $3::smallint, $4::double precision, $5, $6, $7)
