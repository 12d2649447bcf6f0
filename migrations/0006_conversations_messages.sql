-- SPDX-License-Identifier: Apache-2.0
-- The messaging core (issue #5): conversations and their members, the ordered and sealed
-- message stream of each conversation, what each device has received, read receipts, and the
-- MLS Delivery Service's per-group state (epoch, Welcomes, GroupInfo).
--
-- Sealing: every column named *_sealed holds Credentials::seal output (XChaCha20-Poly1305
-- under the server keyring; the key id travels inside, so rotation needs no rewrite). The
-- associated data binds each value to its row (docs/architecture.md, "Write path").
--
-- Ordering (the trap of ../shared/DESIGN.md): a message's seq comes from
-- conversations.last_seq, incremented by UPDATE inside the writing transaction. The row lock
-- that UPDATE takes is held until COMMIT, so the transaction that takes seq N+1 can only do so
-- after the one holding N has committed: a reader never sees N+1 without N.

CREATE TABLE conversations (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id uuid NOT NULL REFERENCES organizations,
    kind text NOT NULL CHECK (kind IN ('direct', 'group', 'channel', 'announcement', 'patient')),
    -- Title and topic may name a patient, so they are sealed like everything else.
    title_sealed bytea,
    topic_sealed bytea,
    -- direct: the two users' ids in ascending order, so there is one conversation per pair.
    direct_low uuid,
    direct_high uuid,
    -- channel: the roles (by name) whose holders can find and join it;
    -- announcement: the roles that may post (members without one are read-only).
    roles text[] NOT NULL DEFAULT '{}',
    -- announcement: organization-wide or limited to one unit (department).
    unit text,
    -- patient: MRN, name, date of birth, encounter, unit and bed, as sealed JSON, and the keyed
    -- blind index of the MRN (HMAC-SHA-256 under a server key) for lookups.
    patient_sealed bytea,
    mrn_index bytea,
    -- The MLS group (RFC 9420) of the conversation and the Delivery Service's view of it.
    mls_group_id bytea NOT NULL UNIQUE CHECK (octet_length(mls_group_id) BETWEEN 16 AND 64),
    epoch bigint NOT NULL DEFAULT 0 CHECK (epoch >= 0),
    -- Which device holds each leaf (server/delivery/leaf_roster.hpp, LeafRoster::to_text), as
    -- followed from the commits the server accepted; empty until the first commit.
    mls_roster text NOT NULL DEFAULT '',
    -- The last sequence number handed out; see "Ordering" above.
    last_seq bigint NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
    created_by uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    archived_at timestamptz,
    UNIQUE (id, org_id),
    FOREIGN KEY (created_by, org_id) REFERENCES users (id, org_id),
    CHECK ((kind = 'direct') = (direct_low IS NOT NULL AND direct_high IS NOT NULL)),
    CHECK (direct_low IS NULL OR direct_low < direct_high),
    CHECK ((kind = 'patient') = (patient_sealed IS NOT NULL AND mrn_index IS NOT NULL))
);
CREATE UNIQUE INDEX conversations_direct_pair ON conversations (org_id, direct_low, direct_high)
    WHERE kind = 'direct';
CREATE INDEX conversations_mrn ON conversations (org_id, mrn_index) WHERE kind = 'patient';
CREATE INDEX conversations_channels ON conversations (org_id) WHERE kind IN ('channel', 'announcement');

-- Users in a conversation. A removed member's row is deleted (the audit trail keeps the
-- history); the server then stops delivering to that user's devices.
CREATE TABLE conversation_members (
    conversation_id uuid NOT NULL,
    org_id uuid NOT NULL,
    user_id uuid NOT NULL,
    role text NOT NULL CHECK (role IN ('owner', 'member', 'read_only')),
    added_by uuid NOT NULL,
    joined_at timestamptz NOT NULL DEFAULT now(),
    -- The first seq this member may receive: history before joining stays with earlier members.
    from_seq bigint NOT NULL DEFAULT 1,
    -- Read receipt: the member has read everything up to this seq.
    read_seq bigint NOT NULL DEFAULT 0 CHECK (read_seq >= 0),
    PRIMARY KEY (conversation_id, user_id),
    FOREIGN KEY (conversation_id, org_id) REFERENCES conversations (id, org_id),
    FOREIGN KEY (user_id, org_id) REFERENCES users (id, org_id)
);
CREATE INDEX conversation_members_user ON conversation_members (user_id);

-- The ordered stream of a conversation: MLS handshake messages (commits, proposals) and
-- application messages alike, each with its gapless seq.
CREATE TABLE messages (
    conversation_id uuid NOT NULL,
    seq bigint NOT NULL CHECK (seq >= 1),
    org_id uuid NOT NULL,
    kind text NOT NULL CHECK (kind IN ('application', 'commit', 'proposal')),
    sender_user_id uuid,            -- NULL for the server's own (external sender) proposals
    sender_device_id uuid,
    client_msg_id uuid NOT NULL,    -- chosen by the sender; a retry with the same id is one message
    -- 0 routine, 1 urgent, 2 critical (urgent and critical ask every recipient to acknowledge).
    priority smallint NOT NULL DEFAULT 0 CHECK (priority BETWEEN 0 AND 2),
    epoch bigint NOT NULL CHECK (epoch >= 0),
    -- The MLS message and the metadata only members need (reply-to, attachment references).
    body_sealed bytea NOT NULL,
    -- kind proposal: its ProposalRef (RFC 9420 §5.2), so that a commit may reference only
    -- proposals the Delivery Service accepted in the commit's epoch.
    proposal_ref bytea,
    expires_at timestamptz,
    recalled_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (conversation_id, seq),
    FOREIGN KEY (conversation_id, org_id) REFERENCES conversations (id, org_id)
);
CREATE UNIQUE INDEX messages_client_id ON messages (sender_device_id, client_msg_id)
    WHERE sender_device_id IS NOT NULL;

-- What each device has received of each conversation (its delivery cursor): "delivered to a
-- user" is any of the user's devices having received it.
CREATE TABLE device_cursors (
    device_id uuid NOT NULL REFERENCES devices,
    conversation_id uuid NOT NULL REFERENCES conversations,
    delivered_seq bigint NOT NULL DEFAULT 0 CHECK (delivered_seq >= 0),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (device_id, conversation_id)
);

-- Acknowledgements of urgent and critical messages, one per recipient user.
CREATE TABLE message_acks (
    conversation_id uuid NOT NULL,
    seq bigint NOT NULL,
    user_id uuid NOT NULL REFERENCES users,
    acked_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (conversation_id, seq, user_id),
    FOREIGN KEY (conversation_id, seq) REFERENCES messages (conversation_id, seq)
);

-- MLS Welcome messages, routed to the devices they add; delivered_at is set once the device
-- has acknowledged it.
CREATE TABLE welcomes (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id uuid NOT NULL,
    conversation_id uuid NOT NULL,
    device_id uuid NOT NULL REFERENCES devices,
    -- The seq of the commit that added the device: its stream starts after it.
    commit_seq bigint NOT NULL,
    welcome_sealed bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    delivered_at timestamptz,
    FOREIGN KEY (conversation_id, org_id) REFERENCES conversations (id, org_id)
);
CREATE INDEX welcomes_device ON welcomes (device_id) WHERE delivered_at IS NULL;

-- The newest GroupInfo of each group, for a user's new device joining by external commit.
CREATE TABLE group_infos (
    conversation_id uuid PRIMARY KEY REFERENCES conversations,
    epoch bigint NOT NULL,
    group_info_sealed bytea NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

GRANT SELECT, INSERT, UPDATE ON conversations, messages, device_cursors, welcomes, group_infos
    TO wardline_runtime;
GRANT SELECT, INSERT, UPDATE, DELETE ON conversation_members TO wardline_runtime;
GRANT SELECT, INSERT ON message_acks TO wardline_runtime;
