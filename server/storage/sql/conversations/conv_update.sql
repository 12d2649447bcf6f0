-- SPDX-License-Identifier: Apache-2.0
-- $1 conversation id, $2 set the title?, $3 title_sealed (NULL clears), $4 set the topic?,
-- $5 topic_sealed (NULL clears).
UPDATE conversations
SET title_sealed = CASE WHEN $2::boolean THEN $3::bytea ELSE title_sealed END,
    topic_sealed = CASE WHEN $4::boolean THEN $5::bytea ELSE topic_sealed END
WHERE id = $1
