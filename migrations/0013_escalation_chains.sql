-- SPDX-License-Identifier: Apache-2.0
-- Escalation chains (issue #5; docs/architecture.md, "Clinical workflow"): a rule is an ordered
-- list of 1 to 5 levels instead of one target. Level 1 is due after_seconds after the critical
-- message was sent, each further level after_seconds after the previous level fired. A level
-- fires at most once per message, in order, and only while some recipient has not acknowledged.
-- Every rule of 0008 becomes a chain of one level with the same time and target.

CREATE TABLE escalation_levels (
    rule_id uuid NOT NULL,
    org_id uuid NOT NULL,
    level smallint NOT NULL CHECK (level BETWEEN 1 AND 5),
    after_seconds double precision NOT NULL CHECK (after_seconds >= 1 AND after_seconds <= 86400),
    target_kind text NOT NULL CHECK (target_kind IN ('oncall_primary', 'oncall_backup', 'role')),
    team_id uuid,
    role_name text CHECK (char_length(role_name) BETWEEN 1 AND 64),
    PRIMARY KEY (rule_id, level),
    FOREIGN KEY (rule_id, org_id) REFERENCES escalation_rules (id, org_id) ON DELETE CASCADE,
    FOREIGN KEY (team_id, org_id) REFERENCES oncall_teams (id, org_id),
    CHECK ((target_kind IN ('oncall_primary', 'oncall_backup')) = (team_id IS NOT NULL)),
    CHECK ((target_kind = 'role') = (role_name IS NOT NULL))
);

INSERT INTO escalation_levels (rule_id, org_id, level, after_seconds, target_kind, team_id,
                               role_name)
SELECT id, org_id, 1, after_seconds, target_kind, team_id, role_name FROM escalation_rules;

-- The rule keeps its scope; the levels carry the times and targets. Dropping the columns drops
-- the checks and the team foreign key that named them.
ALTER TABLE escalation_rules
    DROP COLUMN after_seconds,
    DROP COLUMN target_kind,
    DROP COLUMN team_id,
    DROP COLUMN role_name;

-- One row per level that fired: (conversation_id, seq, level) is what keeps two server
-- processes from firing the same level twice (INSERT ... ON CONFLICT DO NOTHING). Rows of 0008
-- were the only level their rule had.
ALTER TABLE escalations ADD COLUMN level smallint NOT NULL DEFAULT 1 CHECK (level BETWEEN 1 AND 5);
ALTER TABLE escalations ALTER COLUMN level DROP DEFAULT;
ALTER TABLE escalations DROP CONSTRAINT escalations_pkey;
ALTER TABLE escalations ADD PRIMARY KEY (conversation_id, seq, level);

GRANT SELECT, INSERT, DELETE ON escalation_levels TO wardline_runtime;
