-- SPDX-License-Identifier: Apache-2.0
-- $1 user ids (uuid[]). Takes the transaction-scoped advisory lock of each user's presence
-- (key pair: 7302, hashtext of the id; the audit chain's single key 7301 is another key space),
-- in key order, so that two transactions locking several users cannot deadlock. Whether a user
-- is online anywhere, and their status, change only under this lock; a hash collision merely
-- makes two users wait for each other.
SELECT pg_advisory_xact_lock(7302, k)
FROM (SELECT DISTINCT hashtext(u::text) AS k FROM unnest($1::uuid[]) AS u ORDER BY k OFFSET 0) AS keys
