-- SPDX-License-Identifier: Apache-2.0
-- $1 org id, $2 conversation id. The conversation's kind; no row for another organization's or
-- an unknown one.
SELECT kind FROM conversations WHERE org_id = $1 AND id = $2::uuid
