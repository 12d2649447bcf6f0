-- SPDX-License-Identifier: Apache-2.0
-- Retention and legal holds (issue #7; docs/admin-guide.md "Retention and legal holds").
--
-- A retention policy keeps a conversation's messages for keep_days days, or forever when
-- keep_days is NULL. Policies exist per organization, per conversation kind and per
-- conversation; the most specific one that exists applies, and a conversation without any
-- keeps its messages forever. Lengthening a policy (or setting forever) applies at once;
-- shortening it is a pending change until a second administrator confirms or rejects it
-- (four-eyes). The retention job (server/retention/retention_job.hpp) deletes expired
-- messages and the rows that reference them, in batches, never a message under a legal hold.
--
-- A legal hold covers, from starts_at until ends_at (open-ended when NULL), the messages a user
-- sent (scope 'user') or a conversation's messages (scope 'conversation' or 'patient_thread', the
-- latter a conversation of kind 'patient'). Releasing a hold needs a second compliance officer:
-- release_requested_* is the first, released_* the second, who must be someone else.
-- Case names may name a patient or a matter under litigation: they are shown to those with
-- legal_hold.manage and never logged.

CREATE TABLE retention_policies (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id uuid NOT NULL REFERENCES organizations,
    scope text NOT NULL CHECK (scope IN ('organization', 'kind', 'conversation')),
    conversation_kind text
        CHECK (conversation_kind IN ('direct', 'group', 'channel', 'announcement', 'patient')),
    conversation_id uuid,
    keep_days integer CHECK (keep_days BETWEEN 1 AND 36500),  -- NULL: keep forever
    updated_by uuid NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((scope = 'kind') = (conversation_kind IS NOT NULL)),
    CHECK ((scope = 'conversation') = (conversation_id IS NOT NULL)),
    FOREIGN KEY (conversation_id, org_id) REFERENCES conversations (id, org_id),
    FOREIGN KEY (updated_by, org_id) REFERENCES users (id, org_id)
);
CREATE UNIQUE INDEX retention_policies_org ON retention_policies (org_id)
    WHERE scope = 'organization';
CREATE UNIQUE INDEX retention_policies_kind ON retention_policies (org_id, conversation_kind)
    WHERE scope = 'kind';
CREATE UNIQUE INDEX retention_policies_conversation ON retention_policies (conversation_id)
    WHERE scope = 'conversation';

-- Shortenings waiting for a second administrator. previous_keep_days is what applied to the
-- scope when it was proposed (NULL: forever or no policy).
CREATE TABLE retention_changes (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id uuid NOT NULL REFERENCES organizations,
    scope text NOT NULL CHECK (scope IN ('organization', 'kind', 'conversation')),
    conversation_kind text
        CHECK (conversation_kind IN ('direct', 'group', 'channel', 'announcement', 'patient')),
    conversation_id uuid,
    keep_days integer NOT NULL CHECK (keep_days BETWEEN 1 AND 36500),
    previous_keep_days integer,
    proposed_by uuid NOT NULL,
    proposed_at timestamptz NOT NULL DEFAULT now(),
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'rejected')),
    decided_by uuid,
    decided_at timestamptz,
    CHECK ((scope = 'kind') = (conversation_kind IS NOT NULL)),
    CHECK ((scope = 'conversation') = (conversation_id IS NOT NULL)),
    CHECK ((status = 'pending') = (decided_by IS NULL)),
    CHECK (decided_by IS NULL OR decided_by <> proposed_by),
    FOREIGN KEY (conversation_id, org_id) REFERENCES conversations (id, org_id),
    FOREIGN KEY (proposed_by, org_id) REFERENCES users (id, org_id),
    FOREIGN KEY (decided_by, org_id) REFERENCES users (id, org_id)
);
CREATE INDEX retention_changes_pending ON retention_changes (org_id) WHERE status = 'pending';

CREATE TABLE legal_holds (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id uuid NOT NULL REFERENCES organizations,
    scope text NOT NULL CHECK (scope IN ('user', 'conversation', 'patient_thread')),
    user_id uuid,
    conversation_id uuid,
    case_name text NOT NULL CHECK (octet_length(case_name) BETWEEN 1 AND 200),
    starts_at timestamptz NOT NULL,
    ends_at timestamptz CHECK (ends_at IS NULL OR ends_at > starts_at),
    placed_by uuid NOT NULL,
    placed_at timestamptz NOT NULL DEFAULT now(),
    release_requested_by uuid,
    release_requested_at timestamptz,
    released_by uuid,
    released_at timestamptz,
    CHECK ((scope = 'user') = (user_id IS NOT NULL)),
    CHECK ((scope = 'user') = (conversation_id IS NULL)),
    CHECK ((release_requested_by IS NULL) = (release_requested_at IS NULL)),
    CHECK ((released_by IS NULL) = (released_at IS NULL)),
    CHECK (released_by IS NULL OR
           (release_requested_by IS NOT NULL AND released_by <> release_requested_by)),
    FOREIGN KEY (user_id, org_id) REFERENCES users (id, org_id),
    FOREIGN KEY (conversation_id, org_id) REFERENCES conversations (id, org_id),
    FOREIGN KEY (placed_by, org_id) REFERENCES users (id, org_id)
);
CREATE INDEX legal_holds_active_conversation ON legal_holds (conversation_id)
    WHERE released_at IS NULL AND conversation_id IS NOT NULL;
CREATE INDEX legal_holds_active_user ON legal_holds (user_id)
    WHERE released_at IS NULL AND user_id IS NOT NULL;

-- One row per run of the retention job (any process, or wardlinectl retention run).
CREATE TABLE retention_runs (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    started_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    -- The clock the run compared ages with (ms since the epoch).
    as_of_ms bigint NOT NULL,
    runner text NOT NULL CHECK (octet_length(runner) BETWEEN 1 AND 100),
    dry_run boolean NOT NULL DEFAULT false,
    deleted_messages bigint NOT NULL DEFAULT 0 CHECK (deleted_messages >= 0)
);

-- The policy that applies to each conversation: the most specific that exists. keep_days NULL
-- with has_policy true is "forever"; has_policy false means no policy at all (also forever).
CREATE VIEW retention_effective AS
SELECT c.id AS conversation_id, c.org_id, c.kind,
       CASE WHEN pc.id IS NOT NULL THEN pc.keep_days
            WHEN pk.id IS NOT NULL THEN pk.keep_days
            ELSE po.keep_days END AS keep_days,
       CASE WHEN pc.id IS NOT NULL THEN 'conversation'
            WHEN pk.id IS NOT NULL THEN 'kind'
            WHEN po.id IS NOT NULL THEN 'organization' END AS policy_scope
FROM conversations c
LEFT JOIN retention_policies pc ON pc.scope = 'conversation' AND pc.conversation_id = c.id
LEFT JOIN retention_policies pk
    ON pk.scope = 'kind' AND pk.org_id = c.org_id AND pk.conversation_kind = c.kind
LEFT JOIN retention_policies po ON po.scope = 'organization' AND po.org_id = c.org_id;

-- Whether a message is under a legal hold that is not released (a pending release still
-- holds): a user hold covers what the user sent in its range, a conversation or patient-thread
-- hold the conversation's messages in its range.
CREATE FUNCTION message_held(p_org uuid, p_conversation uuid, p_sender uuid,
                             p_created timestamptz) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (
        SELECT 1 FROM legal_holds h
        WHERE h.org_id = p_org AND h.released_at IS NULL
          AND (h.conversation_id = p_conversation OR (p_sender IS NOT NULL AND h.user_id = p_sender))
          AND p_created >= h.starts_at AND (h.ends_at IS NULL OR p_created < h.ends_at))
$$;

-- The job's scan: messages by age within a conversation.
CREATE INDEX messages_created ON messages (conversation_id, created_at);

GRANT SELECT, INSERT, UPDATE, DELETE ON retention_policies TO wardline_runtime;
GRANT SELECT, INSERT, UPDATE ON retention_changes, legal_holds TO wardline_runtime;
GRANT SELECT, INSERT, UPDATE ON retention_runs TO wardline_runtime;
GRANT SELECT ON retention_effective TO wardline_runtime;
-- The retention job deletes expired messages and what references them.
GRANT DELETE ON messages, message_acks, escalations TO wardline_runtime;
