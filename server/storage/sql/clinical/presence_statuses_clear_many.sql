-- SPDX-License-Identifier: Apache-2.0
-- $1 user ids (uuid[]). Forgets what the users set: they came online after being offline
-- everywhere and start available.
DELETE FROM presence_statuses WHERE user_id = ANY ($1::uuid[])
