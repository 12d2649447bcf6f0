-- SPDX-License-Identifier: Apache-2.0
-- $1 org id. The organization's templates by title.
SELECT id, title, body, extract(epoch FROM updated_at)::bigint
FROM message_templates WHERE org_id = $1 ORDER BY lower(title), id
