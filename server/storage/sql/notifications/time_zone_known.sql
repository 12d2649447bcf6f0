-- SPDX-License-Identifier: Apache-2.0
-- $1 a time zone name. Whether it is an IANA zone PostgreSQL knows (not an abbreviation or a
-- POSIX rule such as "UTC+5", which pg_timezone_names does not list).
SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = $1)
