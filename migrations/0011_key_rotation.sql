-- SPDX-License-Identifier: Apache-2.0
-- At-rest key rotation (issue #5; docs/security.md, "Key management").
--
-- Every sealed column holds Credentials::seal output: version (1 byte) || key id (4 bytes,
-- big-endian) || nonce || ciphertext, so the key a row is sealed under can be counted without
-- opening it. sealed_key_id() reads that id (NULL for NULL or a value too short to hold one).
CREATE FUNCTION sealed_key_id(sealed bytea) RETURNS bigint
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT CASE WHEN octet_length(sealed) >= 5
                THEN (get_byte(sealed, 1)::bigint << 24) | (get_byte(sealed, 2)::bigint << 16) |
                     (get_byte(sealed, 3)::bigint << 8) | get_byte(sealed, 4)::bigint
           END
$$;

-- The sealing keys that have sealed rows, as far as the servers and wardlinectl know: each
-- server records its newest key when it starts and when it reloads its keyring (SIGHUP), and
-- refuses to run with a keyring that lacks a key recorded here. `wardlinectl keys retire`
-- deletes a key's row once no row is sealed under it.
CREATE TABLE sealing_keys_in_use (
    key_id bigint PRIMARY KEY CHECK (key_id BETWEEN 1 AND 4294967295),
    recorded_at timestamptz NOT NULL DEFAULT now()
);

GRANT SELECT, INSERT ON sealing_keys_in_use TO wardline_runtime;

-- The MRN blind index key each patient thread's mrn_index was computed under
-- (identity.blind_index_key_file holds keys with ids; rows before this migration used the one
-- key, id 1). Lookups search under every key while `wardlinectl keys reindex` recomputes the
-- old rows under the newest.
ALTER TABLE conversations ADD COLUMN mrn_index_key_id bigint;
UPDATE conversations SET mrn_index_key_id = 1 WHERE mrn_index IS NOT NULL;
ALTER TABLE conversations ADD CONSTRAINT conversations_mrn_index_key
    CHECK ((mrn_index IS NULL) = (mrn_index_key_id IS NULL));
