-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 template id.
DELETE FROM message_templates WHERE org_id = $1 AND id = $2 RETURNING id
