-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 user id, $3 a device id to leave out (the caller's own) or NULL.
-- Hands out one KeyPackage for every live (not revoked) device of the user: the device's
-- oldest current regular KeyPackage, deleted in the same statement so nobody else gets it;
-- FOR UPDATE SKIP LOCKED makes a concurrent claim pass over a row this one holds, so two
-- claims never return the same KeyPackage. A device without one gets its current last-resort
-- KeyPackage, which is not deleted; a device with neither has key_package NULL. `remaining`
-- is the device's regular stock after this claim (the subquery still sees the deleted row,
-- hence the subtraction; concurrent claims may make it a little high).
WITH live AS (
    SELECT id FROM devices
    WHERE org_id = $1 AND user_id = $2 AND revoked_at IS NULL
      AND ($3::uuid IS NULL OR id <> $3::uuid)
),
taken AS (
    DELETE FROM key_packages k
    USING (
        SELECT pick.id
        FROM live
        CROSS JOIN LATERAL (
            SELECT kp.id FROM key_packages kp
            WHERE kp.org_id = $1 AND kp.device_id = live.id AND NOT kp.last_resort
              AND kp.not_after > now()
            ORDER BY kp.id
            LIMIT 1
            FOR UPDATE SKIP LOCKED
        ) pick
    ) chosen
    WHERE k.id = chosen.id
    RETURNING k.device_id, k.key_package
)
SELECT live.id AS device_id,
       coalesce(taken.key_package, last.key_package) AS key_package,
       taken.device_id IS NULL AND last.id IS NOT NULL AS last_resort,
       (SELECT count(*) FROM key_packages r
        WHERE r.org_id = $1 AND r.device_id = live.id AND NOT r.last_resort
          AND r.not_after > now())
           - CASE WHEN taken.device_id IS NULL THEN 0 ELSE 1 END AS remaining
FROM live
LEFT JOIN taken ON taken.device_id = live.id
LEFT JOIN key_packages last
       ON last.org_id = $1 AND last.device_id = live.id AND last.last_resort
      AND last.not_after > now()
ORDER BY live.id
