-- SPDX-License-Identifier: Apache-2.0
-- $1 user id.
DELETE FROM recovery_codes WHERE user_id = $1
