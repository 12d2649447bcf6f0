-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 scope, $3 kind or NULL, $4 conversation id or NULL, $5 keep_days (NULL
-- forever), $6 the user who set it. Returns the id.
INSERT INTO retention_policies (org_id, scope, conversation_kind, conversation_id, keep_days,
                                updated_by)
VALUES ($1, $2, $3, $4::uuid, $5, $6) RETURNING id
