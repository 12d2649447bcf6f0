-- SPDX-License-Identifier: Apache-2.0
-- Releases the retention job's advisory lock (retention_try_lock.sql).
SELECT pg_advisory_unlock(7303, 0)
