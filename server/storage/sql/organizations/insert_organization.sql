-- SPDX-License-Identifier: Apache-2.0
-- $1 name. Returns the new id, or no row if the name exists.
INSERT INTO organizations (name) VALUES ($1)
ON CONFLICT (name) DO NOTHING
RETURNING id
