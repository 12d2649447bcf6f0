-- SPDX-License-Identifier: Apache-2.0
-- Liveness probe for idle pooled connections and /readyz.
SELECT 1
