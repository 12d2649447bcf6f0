-- SPDX-License-Identifier: Apache-2.0
-- Tenants and their users: the minimum the authentication issues build on.

CREATE TABLE organizations (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name text UNIQUE NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id uuid NOT NULL REFERENCES organizations,
    username text NOT NULL,
    display_name text NOT NULL,
    role text NOT NULL,
    password_hash text NOT NULL,
    must_change_password boolean NOT NULL DEFAULT true,
    status text NOT NULL DEFAULT 'active'
        CHECK (status IN ('active', 'suspended', 'deactivated')),
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (org_id, username)
);

-- Users are deactivated, never deleted: their audit trail keeps pointing at them.
GRANT SELECT, INSERT, UPDATE ON organizations, users TO wardline_runtime;
