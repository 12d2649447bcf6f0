-- SPDX-License-Identifier: Apache-2.0
-- Baseline privileges. Runs as the owner role; the runtime LOGIN role is a member of the
-- NOLOGIN group role wardline_runtime (created by `wardlinectl db-bootstrap`), and that
-- group gets only what the server needs. schema_migrations itself is created by the
-- migrator before the first migration.

-- Nobody but the owner creates objects in public (PostgreSQL 15 already defaults to this;
-- older clusters upgraded in place may not).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO wardline_runtime;

-- The server reads the schema version for /readyz; it never changes it.
GRANT SELECT ON schema_migrations TO wardline_runtime;
