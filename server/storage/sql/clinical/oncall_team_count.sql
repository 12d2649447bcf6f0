-- SPDX-License-Identifier: Apache-2.0
-- $1 org id. How many on-call teams the organization has.
SELECT count(*) FROM oncall_teams WHERE org_id = $1
