-- SPDX-License-Identifier: Apache-2.0
-- $1 conversation id. Forgets its leaves before stream_leaves_put writes the new roster.
DELETE FROM group_leaves WHERE conversation_id = $1
