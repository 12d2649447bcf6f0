-- SPDX-License-Identifier: Apache-2.0
-- $1 conversation id. Archives it (once).
UPDATE conversations SET archived_at = now() WHERE id = $1 AND archived_at IS NULL
