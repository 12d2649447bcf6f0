-- SPDX-License-Identifier: Apache-2.0
-- The newest record and the newest checkpoint: whether a checkpoint is due.
SELECT COALESCE((SELECT max(seq) FROM audit_records), 0) AS last_seq,
       COALESCE((SELECT max(seq) FROM audit_checkpoints), 0) AS checkpointed_seq
