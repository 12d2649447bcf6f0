-- SPDX-License-Identifier: Apache-2.0
-- $1 org id. How many templates the organization has.
SELECT count(*) FROM message_templates WHERE org_id = $1
