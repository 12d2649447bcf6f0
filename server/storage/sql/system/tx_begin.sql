-- SPDX-License-Identifier: Apache-2.0
-- Opens a transaction for with_transaction(); READ COMMITTED unless a caller says otherwise.
BEGIN
