-- SPDX-License-Identifier: Apache-2.0
-- The retention job's session-scoped advisory lock (key 7303, 0): one run at a time across every
-- server process and wardlinectl sharing the database. False when another holds it.
SELECT pg_try_advisory_lock(7303, 0)
