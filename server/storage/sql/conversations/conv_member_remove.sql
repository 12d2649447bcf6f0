-- SPDX-License-Identifier: Apache-2.0
-- $1 conversation id, $2 user id. Removes the member; returns its role, or no row.
DELETE FROM conversation_members WHERE conversation_id = $1 AND user_id = $2 RETURNING role
