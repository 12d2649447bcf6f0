-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 role names (text[]). How many distinct of them name a role the organization
-- has (its own or a default one).
SELECT count(DISTINCT name) FROM roles
WHERE (org_id IS NULL OR org_id = $1) AND name = ANY ($2::text[])
