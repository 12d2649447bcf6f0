-- SPDX-License-Identifier: Apache-2.0
-- The highest applied migration; 0 on an empty schema_migrations table.
SELECT coalesce(max(version), 0) FROM schema_migrations
