-- SPDX-License-Identifier: Apache-2.0
-- Break-glass review (issue #3; docs/security.md, "Break-glass"): compliance officers are told
-- when a grant is opened, list grants with their reasons and may revoke a live one.

INSERT INTO permissions (name, description) VALUES
    ('break_glass.review', 'Be told of break-glass grants, list them with their reasons and revoke them');

INSERT INTO role_permissions (role_id, permission)
SELECT r.id, 'break_glass.review' FROM roles r
WHERE r.name = 'compliance_officer' AND r.org_id IS NULL;

-- A grant ends at expires_at or when a reviewer revokes it, whichever comes first. from_seq is
-- the first message of the stream its holder receives (docs/e2ee.md, "Break-glass and MLS").
ALTER TABLE break_glass_grants
    ADD COLUMN revoked_at timestamptz,
    ADD COLUMN revoked_by uuid,
    ADD COLUMN from_seq bigint NOT NULL DEFAULT 1;
-- Grants made before this migration start at the stream's present, like new ones.
UPDATE break_glass_grants g SET from_seq = c.last_seq + 1
FROM conversations c WHERE c.id::text = g.target_id AND g.target_kind = 'conversation';

CREATE INDEX break_glass_grants_org_granted ON break_glass_grants (org_id, granted_at DESC, id DESC);
CREATE INDEX break_glass_grants_live ON break_glass_grants (user_id, target_id)
    WHERE revoked_at IS NULL;

GRANT UPDATE (revoked_at, revoked_by) ON break_glass_grants TO wardline_runtime;
