-- SPDX-License-Identifier: Apache-2.0
-- $1 the clock (ms since the epoch), $2 who runs it (node id or "wardlinectl"), $3 dry run.
INSERT INTO retention_runs (as_of_ms, runner, dry_run) VALUES ($1, $2, $3) RETURNING id
