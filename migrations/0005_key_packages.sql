-- SPDX-License-Identifier: Apache-2.0
-- The MLS KeyPackage directory (issue #5, Delivery Service): the KeyPackages each device
-- uploads, handed out one per device and consumed when a colleague starts a conversation with
-- its user, plus one last-resort KeyPackage per device, handed out (not consumed) when the
-- stock is empty. docs/e2ee.md describes the rules; the server validates every upload.

-- Lets key_packages name a device together with its user and organization, so a row can never
-- claim a device of another user.
ALTER TABLE devices ADD CONSTRAINT devices_id_user_org UNIQUE (id, user_id, org_id);

CREATE TABLE key_packages (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id uuid NOT NULL,
    user_id uuid NOT NULL,
    device_id uuid NOT NULL,
    -- KeyPackageRef (RFC 9420 §5.2): the hash that names the KeyPackage in an Add and a Welcome.
    ref bytea NOT NULL UNIQUE CHECK (octet_length(ref) BETWEEN 16 AND 64),
    -- The whole MLSMessage(KeyPackage), exactly as uploaded and as handed out.
    key_package bytea NOT NULL CHECK (octet_length(key_package) BETWEEN 1 AND 4096),
    cipher_suite integer NOT NULL CHECK (cipher_suite IN (1, 3)),
    not_after timestamptz NOT NULL,
    last_resort boolean NOT NULL DEFAULT false,
    uploaded_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (device_id, user_id, org_id) REFERENCES devices (id, user_id, org_id),
    FOREIGN KEY (user_id, org_id) REFERENCES users (id, org_id)
);
-- The claim takes a device's oldest regular KeyPackage; the stock count walks the same index.
CREATE INDEX key_packages_claim ON key_packages (device_id, id) WHERE NOT last_resort;
-- At most one last-resort KeyPackage per device.
CREATE UNIQUE INDEX key_packages_last_resort ON key_packages (device_id) WHERE last_resort;

-- A claim consumes a KeyPackage by DELETE. UPDATE is there only because the claim's
-- SELECT ... FOR UPDATE SKIP LOCKED needs it; no statement updates a row.
GRANT SELECT, INSERT, UPDATE, DELETE ON key_packages TO wardline_runtime;
