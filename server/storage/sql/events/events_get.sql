-- SPDX-License-Identifier: Apache-2.0
-- $1 id. The event array a "v1 NODE @ID" notification refers to (none once pruned).
SELECT events FROM relayed_events WHERE id = $1::bigint
