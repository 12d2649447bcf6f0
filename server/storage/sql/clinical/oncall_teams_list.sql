-- SPDX-License-Identifier: Apache-2.0
-- $1 org id. The organization's teams by name.
SELECT id, name FROM oncall_teams WHERE org_id = $1 ORDER BY lower(name), id
