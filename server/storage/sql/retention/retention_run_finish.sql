-- SPDX-License-Identifier: Apache-2.0
-- $1 run id, $2 messages deleted (or that would be, for a dry run).
UPDATE retention_runs SET finished_at = now(), deleted_messages = $2 WHERE id = $1
