-- SPDX-License-Identifier: Apache-2.0
-- Clinical workflow around the messages (issue #5): on-call teams and their schedules of
-- shifts, and the organization's message templates (quick texts). docs/oncall.md describes the
-- rules; presence is kept in memory by each server process and has no table.
--
-- Times are timestamptz; the API speaks ISO 8601 UTC ("2026-11-23T08:00:00Z").

-- A team that is on call, e.g. "Cardiology". Names are unique per organization, ignoring case.
CREATE TABLE oncall_teams (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id uuid NOT NULL REFERENCES organizations,
    name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (id, org_id)
);
CREATE UNIQUE INDEX oncall_teams_name ON oncall_teams (org_id, lower(name));

-- One shift of one user in one team: [start_at, end_at), at most 7 days long.
-- Overlap rules (docs/oncall.md), checked by the server while it holds the team's row lock
-- (SELECT ... FOR UPDATE, server/storage/sql/clinical/oncall_team_lock.sql), so two concurrent
-- additions cannot both pass: at most one primary at any instant per team; backups may
-- overlap each other; a user never holds two overlapping shifts in the same team.
CREATE TABLE oncall_shifts (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id uuid NOT NULL,
    team_id uuid NOT NULL,
    user_id uuid NOT NULL,
    role text NOT NULL CHECK (role IN ('primary', 'backup')),
    start_at timestamptz NOT NULL,
    end_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK (start_at < end_at AND end_at - start_at <= interval '7 days'),
    FOREIGN KEY (team_id, org_id) REFERENCES oncall_teams (id, org_id),
    FOREIGN KEY (user_id, org_id) REFERENCES users (id, org_id)
);
CREATE INDEX oncall_shifts_team ON oncall_shifts (team_id, start_at);
CREATE INDEX oncall_shifts_user ON oncall_shifts (user_id, end_at);

-- Organization-managed quick texts. They are generic texts an administrator writes for
-- everyone ("Please call the ward"), not patient data, so they are stored in clear.
CREATE TABLE message_templates (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id uuid NOT NULL REFERENCES organizations,
    title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 100),
    body text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 2000),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX message_templates_org ON message_templates (org_id, title);

-- UPDATE on oncall_teams only for the row lock of oncall_team_lock.sql.
GRANT SELECT, INSERT, UPDATE ON oncall_teams TO wardline_runtime;
GRANT SELECT, INSERT, DELETE ON oncall_shifts TO wardline_runtime;
GRANT SELECT, INSERT, UPDATE, DELETE ON message_templates TO wardline_runtime;
