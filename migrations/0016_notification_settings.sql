-- SPDX-License-Identifier: Apache-2.0
-- What desktop notifications may show, and per-user quiet hours (issues #6 and #7;
-- docs/client.md "Notifications", docs/admin-guide.md "Notifications").
--
-- notification_detail is the organization's ceiling on what a notification about an incoming
-- message says, beyond its priority ("New message", "New urgent message"):
--   minimal  nothing else;
--   kind     the kind of conversation ("in a patient thread") - the default;
--   sender   the kind and the sender's display name.
-- No level ever shows the body, the conversation's title or patient identifiers: the client
-- never puts them into a notification, so there is no level to allow it.
ALTER TABLE organization_policies
    ADD COLUMN notification_detail text NOT NULL DEFAULT 'kind'
        CHECK (notification_detail IN ('minimal', 'kind', 'sender'));

-- A user's quiet hours: from start_minute to end_minute (minutes after midnight in time_zone,
-- an IANA name the server checked against pg_timezone_names), routine messages do not notify;
-- urgent and critical ones still do. The range may cross midnight (22:00 to 07:00). A user
-- without a row has none. Only the user reads or changes their own (account.quiet_hours.*).
CREATE TABLE user_quiet_hours (
    user_id uuid PRIMARY KEY REFERENCES users,
    enabled boolean NOT NULL,
    start_minute integer NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
    end_minute integer NOT NULL CHECK (end_minute BETWEEN 0 AND 1439),
    time_zone text NOT NULL CHECK (length(time_zone) BETWEEN 1 AND 64),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK (start_minute <> end_minute)
);

GRANT SELECT, INSERT, UPDATE ON user_quiet_hours TO wardline_runtime;
