-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 user id, $3 device id. The device's registered identity key, if the device is
-- the user's, of the organization and not revoked. Locks the device row inside an upload's
-- transaction, so that two uploads of one device take turns on its stock limit.
SELECT identity_key FROM devices
WHERE org_id = $1 AND user_id = $2 AND id = $3 AND revoked_at IS NULL
FOR NO KEY UPDATE
