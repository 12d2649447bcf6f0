// SPDX-License-Identifier: Apache-2.0
#pragma once
// The audit trail as wardlinectl sees it: verify the whole chain in the database, sign a
// checkpoint now, export a time range with its proofs, and verify such an export offline.
#include "server/audit/chain_verifier.hpp"

#include <iosfwd>
#include <string>

namespace wardline::server::storage {
class PgResult;
class PgSyncConnection;
}

namespace wardline::server::audit {

/// A row of the statement audit_records_range (or _between) as the verifier takes it.
StoredRecord row_to_record(const storage::PgResult& r, int row);
/// The rows of the statement audit_checkpoints_all.
std::vector<Checkpoint> checkpoints_from(const storage::PgResult& r);

/// Walks every record and checkpoint. Throws storage::PgSyncError on database errors.
VerifyResult verify_database(storage::PgSyncConnection& conn, const PublicKey& key);

/// Signs a checkpoint of the newest record, unless it has one. Returns its sequence number,
/// or 0 for an empty chain.
std::int64_t checkpoint_now(storage::PgSyncConnection& conn, const SigningKey& key);

/// Writes the records recorded in [from, to] (timestamptz text) as JSON lines: a header, the
/// records with their hashes, and the checkpoints among them. Returns the number of records.
std::int64_t export_range(storage::PgSyncConnection& conn, const std::string& from,
                          const std::string& to, std::ostream& out);

/// Verifies an export without the database: the chain from the first record's previous-hash
/// on, and every checkpoint in it. A malformed file is reported as record 0.
VerifyResult verify_export(std::istream& in, const PublicKey& key);

}  // namespace wardline::server::audit
