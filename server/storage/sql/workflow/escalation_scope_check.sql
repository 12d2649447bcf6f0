-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 conversation id or NULL, $3 team id or NULL, $4 role name or NULL. Whether
-- each named thing exists in the organization (true where nothing is named).
SELECT ($2::uuid IS NULL OR EXISTS (SELECT 1 FROM conversations WHERE id = $2 AND org_id = $1)),
       ($3::uuid IS NULL OR EXISTS (SELECT 1 FROM oncall_teams WHERE id = $3 AND org_id = $1)),
       ($4::text IS NULL OR EXISTS (SELECT 1 FROM roles WHERE name = $4
                                    AND (org_id IS NULL OR org_id = $1)))
