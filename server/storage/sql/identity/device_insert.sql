-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 user id, $3 name, $4 platform, $5 identity key (bytea). Returns the new id.
INSERT INTO devices (org_id, user_id, name, platform, identity_key)
VALUES ($1, $2, $3, $4, $5)
RETURNING id
