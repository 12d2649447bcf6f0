// SPDX-License-Identifier: Apache-2.0
#pragma once
// Walks an audit chain record by record and reports the first record that does not match:
// a gap or reordering in the sequence, a broken link to the previous hash, changed content,
// or a signed checkpoint the records no longer agree with. Used by `wardlinectl audit verify`
// (records from the database) and `audit verify-export` (records from an export file).
#include "server/audit/checkpoint.hpp"

#include <map>
#include <string>
#include <vector>

namespace wardline::server::audit {

struct StoredRecord {
    AuditRecord record;
    Hash prev{};
    Hash hash{};
};

struct VerifyResult {
    bool ok = true;
    std::int64_t records = 0;          ///< records checked
    std::int64_t checkpoint = 0;       ///< sequence number of the last checkpoint verified
    std::int64_t bad_seq = 0;          ///< first record that does not match
    std::string problem;               ///< what is wrong with it
    /// "verified N records up to checkpoint C" or "record S: PROBLEM".
    std::string summary() const;
};

class ChainVerifier {
public:
    /// `anchor` is the hash before `first_seq` (kGenesis for a whole chain; an export's
    /// first prev_hash otherwise). Checkpoints must be signed by `key`.
    ChainVerifier(std::vector<Checkpoint> checkpoints, PublicKey key, Hash anchor = kGenesis,
                  std::int64_t first_seq = 1);

    /// Checks the next record; false once the chain is broken (later records are ignored).
    bool add(const StoredRecord& r);
    /// Checks the checkpoints against what was seen and returns the verdict.
    VerifyResult finish();

private:
    bool fail(std::int64_t seq, std::string problem);

    std::map<std::int64_t, Checkpoint> checkpoints_;
    PublicKey key_;
    Hash running_;
    std::int64_t first_seq_;
    std::int64_t expected_;
    VerifyResult result_;
};

}  // namespace wardline::server::audit
