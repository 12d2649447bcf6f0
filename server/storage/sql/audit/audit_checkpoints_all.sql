-- SPDX-License-Identifier: Apache-2.0
-- Every checkpoint in sequence order.
SELECT seq, hash, (extract(epoch FROM signed_at) * 1000000)::bigint, key_id, signature
FROM audit_checkpoints ORDER BY seq
