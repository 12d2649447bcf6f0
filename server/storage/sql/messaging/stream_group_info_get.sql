-- SPDX-License-Identifier: Apache-2.0
-- $1 conversation id. The newest GroupInfo of the conversation's group.
SELECT epoch, group_info_sealed FROM group_infos WHERE conversation_id = $1
