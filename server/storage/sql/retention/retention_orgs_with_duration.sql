-- SPDX-License-Identifier: Apache-2.0
-- Organizations with at least one policy that has a duration: each gets an audit record per run,
-- also when nothing expired.
SELECT DISTINCT org_id FROM retention_policies WHERE keep_days IS NOT NULL ORDER BY org_id
