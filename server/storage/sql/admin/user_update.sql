-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 user id, $3 display name, $4 department, $5 job title (each NULL to keep).
UPDATE users SET display_name = COALESCE($3, display_name),
                 department = COALESCE($4, department),
                 job_title = COALESCE($5, job_title), updated_at = now()
WHERE org_id = $1 AND id = $2
RETURNING id
