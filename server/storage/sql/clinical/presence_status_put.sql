-- SPDX-License-Identifier: Apache-2.0
-- $1 user id, $2 their organization, $3 available | busy | away (presence.set).
INSERT INTO presence_statuses (user_id, org_id, status) VALUES ($1, $2, $3)
ON CONFLICT (user_id) DO UPDATE SET status = EXCLUDED.status, updated_at = now()
