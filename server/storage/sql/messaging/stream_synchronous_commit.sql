-- SPDX-License-Identifier: Apache-2.0
-- Inside a message transaction: COMMIT returns only once the WAL is flushed, whatever the
-- database's default, since the sender's acknowledgement promises durability.
SELECT set_config('synchronous_commit', 'on', true)
