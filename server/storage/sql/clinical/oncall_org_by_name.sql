-- SPDX-License-Identifier: Apache-2.0
-- $1 organization name. Its id (wardlinectl oncall import).
SELECT id FROM organizations WHERE name = $1
