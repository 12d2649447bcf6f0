-- SPDX-License-Identifier: Apache-2.0
-- Events relayed between server processes (issue #5; docs/architecture.md, "Several server
-- processes"): a batch of events whose text does not fit one NOTIFY payload (PostgreSQL refuses
-- 8000 bytes and more) is stored here, and the NOTIFY on wardline_events carries only its id.
-- The bodies are what the server pushes to devices anyway (ids, statuses, MLS ciphertext: no
-- plaintext); rows are deleted after five minutes (server/storage/sql/events/events_prune.sql),
-- since a listener that was away longer has lost the notification too.
CREATE TABLE relayed_events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now(),
    events text NOT NULL CHECK (octet_length(events) <= 1048576)
);
CREATE INDEX relayed_events_created_at ON relayed_events (created_at);

GRANT SELECT, INSERT, DELETE ON relayed_events TO wardline_runtime;
