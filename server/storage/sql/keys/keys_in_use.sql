-- SPDX-License-Identifier: Apache-2.0
-- The sealing key ids recorded as having sealed rows (sealing_keys_in_use, migration 0011).
SELECT key_id FROM sealing_keys_in_use ORDER BY key_id
