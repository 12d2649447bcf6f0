-- SPDX-License-Identifier: Apache-2.0
-- $1 device id, $2 user id. The device, if it belongs to the user; revoked says whether it
-- may log in, wiped whether it was revoked by a confirmed remote wipe.
SELECT id, revoked_at IS NOT NULL AS revoked, identity_key, wiped_at IS NOT NULL AS wiped
FROM devices WHERE id = $1 AND user_id = $2
