-- SPDX-License-Identifier: Apache-2.0
-- Identity (issue #3): canonical usernames, roles and permissions as data, organization
-- policy, MFA, devices, sessions and login throttling. Audit records live in 0003.

-- Organization policy. Bounds are enforced here as well as by the server, so no path can
-- store a policy the documentation calls impossible.
CREATE TABLE organization_policies (
    org_id uuid PRIMARY KEY REFERENCES organizations,
    mfa_required boolean NOT NULL DEFAULT true,
    session_idle_timeout_seconds integer NOT NULL DEFAULT 900
        CHECK (session_idle_timeout_seconds BETWEEN 5 AND 1800),
    session_absolute_lifetime_seconds integer NOT NULL DEFAULT 43200
        CHECK (session_absolute_lifetime_seconds BETWEEN 60 AND 86400),
    lockout_threshold integer NOT NULL DEFAULT 10 CHECK (lockout_threshold BETWEEN 3 AND 100),
    break_glass_minutes integer NOT NULL DEFAULT 60 CHECK (break_glass_minutes BETWEEN 5 AND 240),
    updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO organization_policies (org_id) SELECT id FROM organizations;

-- Permissions and roles. Default roles have org_id NULL and are shared by every organization;
-- docs/permissions.md is the same matrix and a test compares the two.
CREATE TABLE permissions (
    name text PRIMARY KEY,
    description text NOT NULL
);
CREATE TABLE roles (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id uuid REFERENCES organizations,
    name text NOT NULL,
    description text NOT NULL,
    -- Roles whose holders need the longer password minimum (NIST SP 800-63B for privileged
    -- accounts: Wardline asks 15 code points).
    privileged boolean NOT NULL DEFAULT false
);
CREATE UNIQUE INDEX roles_default_name ON roles (name) WHERE org_id IS NULL;
CREATE UNIQUE INDEX roles_org_name ON roles (org_id, name) WHERE org_id IS NOT NULL;
CREATE TABLE role_permissions (
    role_id bigint NOT NULL REFERENCES roles ON DELETE CASCADE,
    permission text NOT NULL REFERENCES permissions,
    PRIMARY KEY (role_id, permission)
);

INSERT INTO permissions (name, description) VALUES
    ('chat.use', 'Read and send messages in conversations one is a member of'),
    ('conversations.create', 'Start conversations and add colleagues of one''s organization'),
    ('patient_threads.create', 'Open patient-linked threads'),
    ('directory.read', 'Search the organization''s directory of colleagues'),
    ('break_glass', 'Open a conversation or patient thread one does not belong to, with a reason, time-boxed and audited'),
    ('users.read', 'List and view accounts, their roles, devices and sessions'),
    ('users.manage', 'Create, update, suspend, reactivate and deactivate accounts'),
    ('users.credentials', 'Reset passwords and MFA, unlock accounts'),
    ('roles.assign', 'Assign roles to accounts'),
    ('devices.manage', 'Revoke other users'' devices and sessions'),
    ('org.settings', 'Change organization policy (MFA, session timeouts, lockout)'),
    ('audit.read', 'Query the audit trail'),
    ('audit.export', 'Export the audit trail with its proofs'),
    ('retention.manage', 'Set retention policies'),
    ('legal_hold.manage', 'Place and release legal holds'),
    ('ediscovery.export', 'Export conversations for eDiscovery');

INSERT INTO roles (name, description, privileged) VALUES
    ('physician', 'Physicians and other prescribers', false),
    ('nurse', 'Nursing staff', false),
    ('front_desk', 'Reception and scheduling', false),
    ('billing', 'Billing and coding', false),
    ('admin', 'Administrators of accounts, devices and policy', true),
    ('compliance_officer', 'Privacy and compliance officers: audit, legal hold, eDiscovery', true);

INSERT INTO role_permissions (role_id, permission)
SELECT r.id, p.permission FROM roles r JOIN (VALUES
    ('physician', 'chat.use'), ('physician', 'conversations.create'),
    ('physician', 'patient_threads.create'), ('physician', 'directory.read'),
    ('physician', 'break_glass'),
    ('nurse', 'chat.use'), ('nurse', 'conversations.create'),
    ('nurse', 'patient_threads.create'), ('nurse', 'directory.read'), ('nurse', 'break_glass'),
    ('front_desk', 'chat.use'), ('front_desk', 'conversations.create'),
    ('front_desk', 'directory.read'),
    ('billing', 'chat.use'), ('billing', 'directory.read'),
    ('admin', 'chat.use'), ('admin', 'conversations.create'), ('admin', 'directory.read'),
    ('admin', 'users.read'), ('admin', 'users.manage'), ('admin', 'users.credentials'),
    ('admin', 'roles.assign'), ('admin', 'devices.manage'), ('admin', 'org.settings'),
    ('admin', 'audit.read'), ('admin', 'retention.manage'),
    ('compliance_officer', 'chat.use'), ('compliance_officer', 'directory.read'),
    ('compliance_officer', 'users.read'), ('compliance_officer', 'audit.read'),
    ('compliance_officer', 'audit.export'), ('compliance_officer', 'legal_hold.manage'),
    ('compliance_officer', 'ediscovery.export')
) AS p (role, permission) ON r.name = p.role AND r.org_id IS NULL;

-- Users: canonical username (NFKC + case fold) and its confusable skeleton, both unique per
-- organization; the form the user typed is kept for display. Roles move to user_roles.
ALTER TABLE users
    ADD COLUMN username_canonical text,
    ADD COLUMN username_skeleton text,
    ADD COLUMN department text NOT NULL DEFAULT '',
    ADD COLUMN job_title text NOT NULL DEFAULT '',
    ADD COLUMN password_changed_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN failed_logins integer NOT NULL DEFAULT 0,
    ADD COLUMN last_failed_login_at timestamptz,
    ADD COLUMN locked boolean NOT NULL DEFAULT false,
    ADD COLUMN totp_secret_sealed bytea,
    ADD COLUMN totp_pending_sealed bytea,
    ADD COLUMN totp_last_step bigint NOT NULL DEFAULT 0,
    ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
UPDATE users SET username_canonical = lower(username), username_skeleton = lower(username);
ALTER TABLE users
    ALTER COLUMN username_canonical SET NOT NULL,
    ALTER COLUMN username_skeleton SET NOT NULL,
    ADD CONSTRAINT users_org_canonical UNIQUE (org_id, username_canonical),
    ADD CONSTRAINT users_org_skeleton UNIQUE (org_id, username_skeleton),
    ADD CONSTRAINT users_id_org UNIQUE (id, org_id);

CREATE TABLE user_roles (
    user_id uuid NOT NULL REFERENCES users,
    role_id bigint NOT NULL REFERENCES roles,
    PRIMARY KEY (user_id, role_id)
);
INSERT INTO user_roles (user_id, role_id)
SELECT u.id, r.id FROM users u JOIN roles r ON r.name = u.role AND r.org_id IS NULL;
ALTER TABLE users DROP COLUMN role;

-- Single-use MFA recovery codes, stored as hashes only.
CREATE TABLE recovery_codes (
    user_id uuid NOT NULL REFERENCES users,
    code_hash bytea NOT NULL,
    used_at timestamptz,
    PRIMARY KEY (user_id, code_hash)
);

-- A device is one client installation of one user; its public identity key is what the MLS
-- credentials of issue #4 bind to.
CREATE TABLE devices (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id uuid NOT NULL,
    user_id uuid NOT NULL,
    name text NOT NULL,
    platform text NOT NULL,
    identity_key bytea NOT NULL,
    first_seen_at timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz,
    FOREIGN KEY (user_id, org_id) REFERENCES users (id, org_id)
);
CREATE INDEX devices_user ON devices (user_id);

-- Sessions: only the hash of the token is stored. A session ends by revocation (logout,
-- admin, password change, device revocation) or by its idle or absolute deadline.
CREATE TABLE sessions (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id uuid NOT NULL,
    user_id uuid NOT NULL,
    device_id uuid NOT NULL REFERENCES devices,
    token_hash bytea NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    idle_timeout_seconds integer NOT NULL,
    expires_at timestamptz NOT NULL,
    source_address text NOT NULL DEFAULT '',
    ended_at timestamptz,
    end_reason text,
    FOREIGN KEY (user_id, org_id) REFERENCES users (id, org_id)
);
CREATE INDEX sessions_user_live ON sessions (user_id) WHERE ended_at IS NULL;
CREATE INDEX sessions_device_live ON sessions (device_id) WHERE ended_at IS NULL;

-- Break-glass grants: time-boxed access to one conversation (issue #5 names the target).
CREATE TABLE break_glass_grants (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id uuid NOT NULL,
    user_id uuid NOT NULL,
    target_kind text NOT NULL,
    target_id text NOT NULL,
    reason text NOT NULL,
    granted_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    FOREIGN KEY (user_id, org_id) REFERENCES users (id, org_id)
);

GRANT SELECT ON permissions, roles, role_permissions TO wardline_runtime;
GRANT SELECT, INSERT, UPDATE ON organization_policies, devices, sessions TO wardline_runtime;
GRANT SELECT, INSERT, DELETE ON user_roles, recovery_codes TO wardline_runtime;
GRANT UPDATE ON recovery_codes TO wardline_runtime;
GRANT SELECT, INSERT ON break_glass_grants TO wardline_runtime;
