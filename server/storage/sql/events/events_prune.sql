-- SPDX-License-Identifier: Apache-2.0
-- Stored event arrays older than five minutes: every listener has read them or lost the
-- notification that named them (migrations/0009_relayed_events.sql).
DELETE FROM relayed_events WHERE created_at < now() - interval '5 minutes'
