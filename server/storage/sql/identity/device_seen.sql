-- SPDX-License-Identifier: Apache-2.0
-- $1 device id, $2 name, $3 platform. A login from the device: names may change.
UPDATE devices SET last_seen_at = now(), name = $2, platform = $3 WHERE id = $1
