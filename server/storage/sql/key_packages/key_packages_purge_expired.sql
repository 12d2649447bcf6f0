-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 device id. Drops the device's KeyPackages whose lifetime has ended: they
-- would be refused by whoever received them.
DELETE FROM key_packages WHERE org_id = $1 AND device_id = $2 AND not_after <= now()
