-- SPDX-License-Identifier: Apache-2.0
-- Takes the audit chain's transaction-scoped advisory lock (key 7301).
SELECT pg_advisory_xact_lock(7301)
