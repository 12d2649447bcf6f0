-- SPDX-License-Identifier: Apache-2.0
-- $1 user id. Forgets what the user set: they came online after being offline everywhere and
-- start available.
DELETE FROM presence_statuses WHERE user_id = $1
