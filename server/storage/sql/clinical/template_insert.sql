-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 title, $3 body.
INSERT INTO message_templates (org_id, title, body) VALUES ($1, $2, $3)
RETURNING id, title, body, extract(epoch FROM updated_at)::bigint
