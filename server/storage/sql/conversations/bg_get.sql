-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 grant id. Whether the grant exists in the organization (no row otherwise).
SELECT g.id FROM break_glass_grants g WHERE g.org_id = $1 AND g.id = $2
