-- SPDX-License-Identifier: Apache-2.0
-- The last record of the chain. Run after audit_lock, in the appending transaction; no row
-- for an empty chain.
SELECT seq, hash FROM audit_records ORDER BY seq DESC LIMIT 1
