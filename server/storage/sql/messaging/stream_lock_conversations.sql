-- SPDX-License-Identifier: Apache-2.0
-- $1 conversation ids (uuid[]). Locks the conversations' rows in ascending id order (the sort
-- runs below the row locking), so two writers that lock overlapping sets cannot deadlock. The
-- locks are held until COMMIT: see "Ordering" in migrations/0006.
SELECT id, org_id, last_seq, epoch, archived_at IS NOT NULL, mls_group_id
FROM conversations
WHERE id = ANY ($1::uuid[])
ORDER BY id
FOR NO KEY UPDATE
