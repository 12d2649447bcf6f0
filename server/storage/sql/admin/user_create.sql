-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 username as typed, $3 canonical form, $4 confusable skeleton, $5 display
-- name, $6 department, $7 job title, $8 Argon2id hash of the one-time password. No row if
-- the canonical name or its skeleton is taken in the organization.
INSERT INTO users (org_id, username, username_canonical, username_skeleton, display_name,
                   department, job_title, password_hash, must_change_password)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, true)
ON CONFLICT DO NOTHING
RETURNING id
