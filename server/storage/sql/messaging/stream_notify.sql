-- SPDX-License-Identifier: Apache-2.0
-- $1 payloads (text[]). One NOTIFY on channel wardline_stream per payload, sent after the
-- message transaction has committed (server/messaging/fanout.cpp).
SELECT pg_notify('wardline_stream', p) FROM unnest($1::text[]) AS p
