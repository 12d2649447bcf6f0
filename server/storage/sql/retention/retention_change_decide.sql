-- SPDX-License-Identifier: Apache-2.0
-- $1 change id, $2 'confirmed' or 'rejected', $3 the deciding administrator.
UPDATE retention_changes SET status = $2, decided_by = $3, decided_at = now()
WHERE id = $1 AND status = 'pending'
