-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 scope, $3 kind or NULL, $4 conversation id or NULL, $5 keep_days, $6 the
-- previous keep_days (NULL forever or none), $7 the proposer. Returns the id.
INSERT INTO retention_changes (org_id, scope, conversation_kind, conversation_id, keep_days,
                               previous_keep_days, proposed_by)
VALUES ($1, $2, $3, $4::uuid, $5, $6, $7) RETURNING id
