-- SPDX-License-Identifier: Apache-2.0
-- Placeholder on branch keys only: version 0010 belongs to another branch. The migrator refuses
-- gaps in the numbering, and key rotation's migration is 0011. Delete this file when merging
-- (the real 0010 replaces it); it changes nothing.
SELECT 1;
