-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 team id. Locks the team's row until COMMIT: shift additions of one team run one
-- after the other, so the overlap check of oncall_shift_conflict.sql cannot race.
SELECT id, name FROM oncall_teams WHERE org_id = $1 AND id = $2 FOR UPDATE
