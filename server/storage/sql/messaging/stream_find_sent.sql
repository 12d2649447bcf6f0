-- SPDX-License-Identifier: Apache-2.0
-- $1 sender device ids (uuid[]), $2 client message ids (uuid[]), parallel. The messages these
-- devices already stored under these ids (messages_client_id), with their acknowledgement.
SELECT m.sender_device_id, m.client_msg_id, m.conversation_id, m.seq,
       (extract(epoch FROM m.created_at) * 1000)::bigint
FROM unnest($1::uuid[], $2::uuid[]) AS t (device_id, client_msg_id)
JOIN messages m ON m.sender_device_id = t.device_id AND m.client_msg_id = t.client_msg_id
