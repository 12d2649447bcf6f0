-- SPDX-License-Identifier: Apache-2.0
-- $1 device id. A revoked device's KeyPackages: nobody may add it to a group any more.
DELETE FROM key_packages WHERE device_id = $1
