-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 device id, $3 the new last resort's KeyPackageRef (bytea). Makes room for a new
-- last-resort KeyPackage: drops the previous one, and a regular copy of the new one.
DELETE FROM key_packages
WHERE org_id = $1 AND device_id = $2 AND (last_resort OR ref = $3)
