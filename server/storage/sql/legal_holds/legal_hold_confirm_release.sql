-- SPDX-License-Identifier: Apache-2.0
-- $1 hold id, $2 the second compliance officer (the CHECK refuses the one who asked).
UPDATE legal_holds SET released_by = $2, released_at = now()
WHERE id = $1 AND release_requested_by IS NOT NULL AND released_at IS NULL
