-- SPDX-License-Identifier: Apache-2.0
-- $1 conversation id, $2 epoch, $3 the sealed GroupInfo. Replaces the stored one.
INSERT INTO group_infos (conversation_id, epoch, group_info_sealed)
VALUES ($1, $2, $3)
ON CONFLICT (conversation_id)
DO UPDATE SET epoch = EXCLUDED.epoch, group_info_sealed = EXCLUDED.group_info_sealed,
              updated_at = now()
