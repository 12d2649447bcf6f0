-- SPDX-License-Identifier: Apache-2.0
-- Activity metrics for administrators (issue #7; docs/admin-guide.md, "Activity metrics"):
-- the permission to see them, and the time each recipient first read an urgent or critical
-- message, so that the time to read can be measured like the time to acknowledge
-- (message_acks.acked_at). Metadata only: who, which message, when.
INSERT INTO permissions (name, description) VALUES
    ('metrics.read', 'View the organization''s activity metrics (counts and times; no content)');

INSERT INTO role_permissions (role_id, permission)
SELECT r.id, 'metrics.read' FROM roles r
WHERE r.org_id IS NULL AND r.name IN ('admin', 'compliance_officer');

-- One row per recipient of an urgent or critical application message, written when that
-- member's read receipt (conversation_members.read_seq) first moves past it. Routine messages
-- are not recorded: their receipts stay a high-water mark. Deleted with the message (the
-- retention job).
CREATE TABLE message_reads (
    conversation_id uuid NOT NULL,
    seq bigint NOT NULL,
    user_id uuid NOT NULL REFERENCES users,
    read_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (conversation_id, seq, user_id),
    FOREIGN KEY (conversation_id, seq) REFERENCES messages (conversation_id, seq) ON DELETE CASCADE
);

-- The report's scan of urgent and critical messages per conversation and time.
CREATE INDEX messages_pressing ON messages (conversation_id, created_at)
    WHERE kind = 'application' AND priority >= 1;

GRANT SELECT, INSERT, DELETE ON message_reads TO wardline_runtime;
