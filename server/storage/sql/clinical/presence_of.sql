-- SPDX-License-Identifier: Apache-2.0
-- $1 user id. The user's presence as every process answers it (user_presence(), migration 0012):
-- read just before a presence.changed push, which is sent only if it still says the same.
SELECT user_presence($1::uuid)
