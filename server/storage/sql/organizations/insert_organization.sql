-- SPDX-License-Identifier: Apache-2.0
-- $1 name. Returns the new id, or no row if the name exists. The organization starts with
-- the default policy (MFA required, 15-minute idle timeout, 12-hour sessions).
WITH org AS (
    INSERT INTO organizations (name) VALUES ($1)
    ON CONFLICT (name) DO NOTHING
    RETURNING id
), policy AS (
    INSERT INTO organization_policies (org_id) SELECT id FROM org
)
SELECT id FROM org
