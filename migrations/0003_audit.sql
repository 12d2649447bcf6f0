-- SPDX-License-Identifier: Apache-2.0
-- The append-only audit trail (issue #3). Each record holds a gapless sequence number and the
-- hash of the previous record; see docs/audit.md for the exact hash input. Appends serialize
-- on a transaction-scoped advisory lock, so concurrent writers (several server processes)
-- still produce one linear chain, and a rolled-back transaction leaves no gap.

CREATE TABLE audit_records (
    seq bigint PRIMARY KEY CHECK (seq > 0),
    recorded_at timestamptz NOT NULL,
    org_id uuid,
    actor_kind text NOT NULL CHECK (actor_kind IN ('user', 'device', 'session', 'system', 'anonymous')),
    actor_id text NOT NULL DEFAULT '',
    action text NOT NULL,
    target_kind text NOT NULL DEFAULT '',
    target_id text NOT NULL DEFAULT '',
    outcome text NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
    severity text NOT NULL CHECK (severity IN ('info', 'high')),
    source_address text NOT NULL DEFAULT '',
    details text NOT NULL DEFAULT '{}',
    prev_hash bytea NOT NULL,
    hash bytea NOT NULL UNIQUE
);
CREATE INDEX audit_records_org_time ON audit_records (org_id, recorded_at);
CREATE INDEX audit_records_actor ON audit_records (actor_id, recorded_at);
CREATE INDEX audit_records_action ON audit_records (action, recorded_at);
CREATE INDEX audit_records_target ON audit_records (target_id, recorded_at);

-- Append-only, even for roles that have the rights: only the trigger's owner could disable
-- it, and `wardlinectl audit verify` detects what such an owner changes.
CREATE FUNCTION audit_records_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_records is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_records_no_update_delete BEFORE UPDATE OR DELETE ON audit_records
    FOR EACH ROW EXECUTE FUNCTION audit_records_refuse_change();
CREATE TRIGGER audit_records_no_truncate BEFORE TRUNCATE ON audit_records
    FOR EACH STATEMENT EXECUTE FUNCTION audit_records_refuse_change();

GRANT SELECT, INSERT ON audit_records TO wardline_runtime;

-- Signed checkpoints: every N records or T seconds a server signs (sequence, hash, time) with
-- the Ed25519 audit key, which lives in a file outside the database. Anyone holding the public
-- key can check the chain up to a checkpoint offline.
CREATE TABLE audit_checkpoints (
    seq bigint PRIMARY KEY,
    hash bytea NOT NULL,
    signed_at timestamptz NOT NULL,
    key_id text NOT NULL,
    signature bytea NOT NULL
);
CREATE TRIGGER audit_checkpoints_no_update_delete BEFORE UPDATE OR DELETE ON audit_checkpoints
    FOR EACH ROW EXECUTE FUNCTION audit_records_refuse_change();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION audit_records_refuse_change();
GRANT SELECT, INSERT ON audit_checkpoints TO wardline_runtime;
