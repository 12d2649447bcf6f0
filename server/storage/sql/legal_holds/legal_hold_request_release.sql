-- SPDX-License-Identifier: Apache-2.0
-- $1 hold id, $2 the compliance officer asking for its release.
UPDATE legal_holds SET release_requested_by = $2, release_requested_at = now()
WHERE id = $1 AND release_requested_by IS NULL AND released_at IS NULL
