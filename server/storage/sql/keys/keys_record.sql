-- SPDX-License-Identifier: Apache-2.0
-- $1 key id: records that this key seals rows from now on (a server at start and on SIGHUP,
-- wardlinectl keys reseal).
INSERT INTO sealing_keys_in_use (key_id) VALUES ($1) ON CONFLICT DO NOTHING
