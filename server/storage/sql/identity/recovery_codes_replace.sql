-- SPDX-License-Identifier: Apache-2.0
-- $1 user id, $2 text array of hex-encoded code hashes, e.g. '{ab01..,cd23..}'. Replaces the
-- user's recovery codes.
WITH gone AS (DELETE FROM recovery_codes WHERE user_id = $1)
INSERT INTO recovery_codes (user_id, code_hash)
SELECT $1, decode(h, 'hex') FROM unnest($2::text[]) AS h
