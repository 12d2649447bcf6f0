-- SPDX-License-Identifier: Apache-2.0
-- The clinical workflow on the message stream (issue #5; docs/architecture.md, "Clinical
-- workflow"): escalation rules for critical messages and the record of each escalation.
-- Receipts use conversation_members.read_seq and device_cursors, acknowledgements
-- message_acks, recall messages.recalled_at (all in 0006).

-- Escalation rules: per organization (conversation_id NULL) or for one conversation (a channel
-- or any other conversation). The conversation's rule wins over the organization's. After
-- after_seconds without an acknowledgement from every recipient, a critical message escalates
-- to the backup currently on call for team_id, or to the active holders of role_name.
CREATE TABLE escalation_rules (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id uuid NOT NULL REFERENCES organizations,
    conversation_id uuid,
    after_seconds double precision NOT NULL CHECK (after_seconds >= 1 AND after_seconds <= 86400),
    target_kind text NOT NULL CHECK (target_kind IN ('oncall_backup', 'role')),
    team_id uuid,
    role_name text CHECK (char_length(role_name) BETWEEN 1 AND 64),
    created_by uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (id, org_id),
    FOREIGN KEY (conversation_id, org_id) REFERENCES conversations (id, org_id),
    FOREIGN KEY (team_id, org_id) REFERENCES oncall_teams (id, org_id),
    CHECK ((target_kind = 'oncall_backup') = (team_id IS NOT NULL)),
    CHECK ((target_kind = 'role') = (role_name IS NOT NULL))
);
-- One rule per scope: one organization-wide rule and one per conversation.
CREATE UNIQUE INDEX escalation_rules_scope
    ON escalation_rules (org_id, COALESCE(conversation_id, '00000000-0000-0000-0000-000000000000'));

-- Each escalation of a message, recorded once: the primary key is what keeps two server
-- processes from escalating the same message twice (INSERT ... ON CONFLICT DO NOTHING).
-- status 'target_missing': the rule named no one reachable (no backup on call, no active
-- holder of the role); the sender is told.
CREATE TABLE escalations (
    conversation_id uuid NOT NULL,
    seq bigint NOT NULL,
    org_id uuid NOT NULL,
    rule_id uuid,
    status text NOT NULL CHECK (status IN ('escalated', 'target_missing')),
    targets uuid[] NOT NULL DEFAULT '{}',
    -- The recipients who had not acknowledged when it escalated.
    pending_users uuid[] NOT NULL DEFAULT '{}',
    escalated_at timestamptz NOT NULL,
    PRIMARY KEY (conversation_id, seq),
    FOREIGN KEY (conversation_id, seq) REFERENCES messages (conversation_id, seq),
    FOREIGN KEY (rule_id) REFERENCES escalation_rules ON DELETE SET NULL
);

-- The escalator's scan: critical application messages that are not recalled.
CREATE INDEX messages_critical ON messages (created_at)
    WHERE priority = 2 AND kind = 'application' AND recalled_at IS NULL;

GRANT SELECT, INSERT, UPDATE, DELETE ON escalation_rules TO wardline_runtime;
GRANT SELECT, INSERT ON escalations TO wardline_runtime;
