-- SPDX-License-Identifier: Apache-2.0
-- $1 key id: wardlinectl keys retire, once no row is sealed under it.
DELETE FROM sealing_keys_in_use WHERE key_id = $1
