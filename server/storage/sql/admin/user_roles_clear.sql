-- SPDX-License-Identifier: Apache-2.0
-- $1 user id.
DELETE FROM user_roles WHERE user_id = $1
