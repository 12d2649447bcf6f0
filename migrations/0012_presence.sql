-- SPDX-License-Identifier: Apache-2.0
-- Presence shared by every server process on the database (issue #5; docs/oncall.md
-- "Presence", docs/architecture.md "Several server processes"). A user is online when a live
-- node holds a connection of theirs; their presence is then the status they set (available
-- when they set none), and offline otherwise. Every process answers with user_presence()
-- below. The server writes these tables (server/clinical/presence_store.cpp); every change of
-- whether a user is online anywhere, and of their status, is made under the user's
-- transaction-scoped advisory lock (server/storage/sql/clinical/presence_lock_users.sql), so
-- exactly one process sees a user's first connection anywhere and their last one going.
-- Nothing here is patient data: ids, counts, times and one of three words.

-- What a user said with presence.set. No row: available. The row is deleted when the user
-- comes online after being offline everywhere, so a user who comes back starts available.
CREATE TABLE presence_statuses (
    user_id uuid PRIMARY KEY,
    org_id uuid NOT NULL,
    status text NOT NULL CHECK (status IN ('available', 'busy', 'away')),
    updated_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (user_id, org_id) REFERENCES users (id, org_id)
);

-- The server processes. node_id is chosen at random when the process starts (the id its
-- stream and event NOTIFYs carry). A node sets heartbeat_at to now() (the database's clock,
-- so the nodes' own clocks do not matter) every ttl_seconds / 3 (presence.node_ttl_seconds).
-- A node whose heartbeat_at is older than its own ttl_seconds is dead: its connections do not
-- count, and the next live node to notice deletes it (its connections go with it) and tells
-- the peers of the users who are thereby offline. A node stopped gracefully deletes itself.
CREATE TABLE presence_nodes (
    node_id text PRIMARY KEY CHECK (node_id ~ '^[0-9a-f]{16}$'),
    ttl_seconds integer NOT NULL CHECK (ttl_seconds BETWEEN 3 AND 600),
    started_at timestamptz NOT NULL DEFAULT now(),
    heartbeat_at timestamptz NOT NULL DEFAULT now()
);

-- How many connections with a session each user has on each node: one row per (node, user)
-- holding a count, not one row per connection. The node counts its connections in memory
-- anyway (SessionRegistry) and writes the latest count when it changes, coalescing bursts
-- (a shift change, a flapping network) into one write; "is the user online anywhere" is then
-- "is there a row of a live node", and the table is bounded by users times nodes, not by
-- devices and reconnects. A row exists only while the count is above zero.
CREATE TABLE presence_connections (
    node_id text NOT NULL REFERENCES presence_nodes ON DELETE CASCADE,
    user_id uuid NOT NULL,
    org_id uuid NOT NULL,
    connections integer NOT NULL CHECK (connections > 0),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (node_id, user_id),
    FOREIGN KEY (user_id, org_id) REFERENCES users (id, org_id)
);
CREATE INDEX presence_connections_user ON presence_connections (user_id);

-- A user's presence as every process answers it: available, busy or away while a live node
-- holds a connection of theirs, else offline.
CREATE FUNCTION user_presence(of_user uuid) RETURNS text
    LANGUAGE sql STABLE STRICT PARALLEL SAFE AS $$
    SELECT CASE
               WHEN EXISTS (SELECT 1
                            FROM presence_connections c
                            JOIN presence_nodes n ON n.node_id = c.node_id
                            WHERE c.user_id = $1
                              AND n.heartbeat_at >= now() - make_interval(secs => n.ttl_seconds))
               THEN COALESCE((SELECT s.status FROM presence_statuses s WHERE s.user_id = $1),
                             'available')
               ELSE 'offline'
           END
$$;

GRANT SELECT, INSERT, UPDATE, DELETE ON presence_statuses, presence_nodes, presence_connections
    TO wardline_runtime;
