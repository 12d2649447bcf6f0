-- SPDX-License-Identifier: Apache-2.0
-- wardlinectl keys status: per sealed column, how many rows are sealed under each key id
-- (counts only; nothing is opened). break_glass_grants.reason holds the sealed bytes in base64.
SELECT 'users.totp_secret_sealed', sealed_key_id(totp_secret_sealed), count(*)
FROM users WHERE totp_secret_sealed IS NOT NULL GROUP BY 2
UNION ALL
SELECT 'users.totp_pending_sealed', sealed_key_id(totp_pending_sealed), count(*)
FROM users WHERE totp_pending_sealed IS NOT NULL GROUP BY 2
UNION ALL
SELECT 'conversations.title_sealed', sealed_key_id(title_sealed), count(*)
FROM conversations WHERE title_sealed IS NOT NULL GROUP BY 2
UNION ALL
SELECT 'conversations.topic_sealed', sealed_key_id(topic_sealed), count(*)
FROM conversations WHERE topic_sealed IS NOT NULL GROUP BY 2
UNION ALL
SELECT 'conversations.patient_sealed', sealed_key_id(patient_sealed), count(*)
FROM conversations WHERE patient_sealed IS NOT NULL GROUP BY 2
UNION ALL
SELECT 'break_glass_grants.reason', sealed_key_id(decode(reason, 'base64')), count(*)
FROM break_glass_grants GROUP BY 2
UNION ALL
SELECT 'messages.body_sealed', sealed_key_id(body_sealed), count(*)
FROM messages GROUP BY 2
UNION ALL
SELECT 'welcomes.welcome_sealed', sealed_key_id(welcome_sealed), count(*)
FROM welcomes GROUP BY 2
UNION ALL
SELECT 'group_infos.group_info_sealed', sealed_key_id(group_info_sealed), count(*)
FROM group_infos GROUP BY 2
ORDER BY 1, 2
