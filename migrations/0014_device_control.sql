-- SPDX-License-Identifier: Apache-2.0
-- Device control (issue #7; docs/admin-guide.md "Devices: revoke, quarantine, wipe"). An
-- administrator with devices.manage can quarantine a device (every read and write of its
-- sessions is refused with device_quarantined and nothing is pushed to it; its data stays),
-- release it again, or order it to wipe (its connections get device.wipe at once or right after
-- their next authentication, and nothing else is allowed until it confirms with
-- devices.confirm_wipe, which revokes it). The state a device is in follows from these times:
-- revoked_at and wiped_at end it for good; wipe_requested_at without wiped_at is wipe_pending;
-- quarantined_at is quarantined. last_address is the peer address of its last login or resume.
-- The quarantine reason is what the administrator typed: it is shown to administrators and
-- never logged.
ALTER TABLE devices
    ADD COLUMN last_address text NOT NULL DEFAULT '' CHECK (octet_length(last_address) <= 64),
    ADD COLUMN quarantined_at timestamptz,
    ADD COLUMN quarantine_reason text CHECK (octet_length(quarantine_reason) <= 2000),
    ADD COLUMN wipe_requested_at timestamptz,
    ADD COLUMN wipe_delivered_at timestamptz,
    ADD COLUMN wiped_at timestamptz,
    ADD CONSTRAINT devices_wiped_after_request
        CHECK (wiped_at IS NULL OR wipe_requested_at IS NOT NULL);

UPDATE permissions
SET description = 'Revoke, quarantine, release and wipe other users'' devices, and revoke their sessions'
WHERE name = 'devices.manage';
