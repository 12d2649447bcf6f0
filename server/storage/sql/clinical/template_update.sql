-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 template id, $3 new title or NULL (unchanged), $4 new body or NULL.
UPDATE message_templates
SET title = COALESCE($3, title), body = COALESCE($4, body), updated_at = now()
WHERE org_id = $1 AND id = $2
RETURNING id, title, body, extract(epoch FROM updated_at)::bigint
