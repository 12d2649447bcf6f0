-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 user id, $3 device id, $4 token hash (bytea), $5 idle timeout seconds,
-- $6 absolute lifetime seconds, $7 source address. Returns id and expiry (ms).
INSERT INTO sessions (org_id, user_id, device_id, token_hash, idle_timeout_seconds, expires_at,
                      source_address)
VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6), $7)
RETURNING id, (extract(epoch FROM expires_at) * 1000)::bigint AS expires_ms
