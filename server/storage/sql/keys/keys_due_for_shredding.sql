-- SPDX-License-Identifier: Apache-2.0
-- wardlinectl keys shred: the recorded sealing keys whose period ended more than $1 days ago,
-- a key's period ending when the next key was first recorded as sealing (by a server at start
-- or on SIGHUP, or by keys reseal). Oldest first.
SELECT k.key_id
FROM sealing_keys_in_use AS k
WHERE (SELECT min(n.recorded_at) FROM sealing_keys_in_use AS n WHERE n.key_id > k.key_id)
      < now() - make_interval(days => $1::int)
ORDER BY k.key_id
