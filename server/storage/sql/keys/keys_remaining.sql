-- SPDX-License-Identifier: Apache-2.0
-- $1 the newest key id: how many sealed values of all columns are under another key.
SELECT coalesce(sum(n), 0)::bigint FROM (
    SELECT count(*) AS n FROM users WHERE sealed_key_id(totp_secret_sealed) <> $1
    UNION ALL SELECT count(*) FROM users WHERE sealed_key_id(totp_pending_sealed) <> $1
    UNION ALL SELECT count(*) FROM conversations WHERE sealed_key_id(title_sealed) <> $1
    UNION ALL SELECT count(*) FROM conversations WHERE sealed_key_id(topic_sealed) <> $1
    UNION ALL SELECT count(*) FROM conversations WHERE sealed_key_id(patient_sealed) <> $1
    UNION ALL SELECT count(*) FROM break_glass_grants
              WHERE sealed_key_id(decode(reason, 'base64')) <> $1
    UNION ALL SELECT count(*) FROM messages WHERE sealed_key_id(body_sealed) <> $1
    UNION ALL SELECT count(*) FROM welcomes WHERE sealed_key_id(welcome_sealed) <> $1
    UNION ALL SELECT count(*) FROM group_infos WHERE sealed_key_id(group_info_sealed) <> $1
) AS counts
