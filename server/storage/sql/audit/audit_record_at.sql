-- SPDX-License-Identifier: Apache-2.0
-- $1 seq. The stored hash of one record.
SELECT hash FROM audit_records WHERE seq = $1
