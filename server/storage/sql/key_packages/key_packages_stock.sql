-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 device id. The device's regular KeyPackages that can still be handed out, and
-- whether it has a current last-resort one.
SELECT count(*) FILTER (WHERE NOT last_resort) AS available,
       count(*) FILTER (WHERE last_resort) > 0 AS has_last_resort
FROM key_packages
WHERE org_id = $1 AND device_id = $2 AND not_after > now()
