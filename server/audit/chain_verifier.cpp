// SPDX-License-Identifier: Apache-2.0
#include "server/audit/chain_verifier.hpp"

#include <sodium.h>

namespace wardline::server::audit {

std::string VerifyResult::summary() const {
    if (!ok) return "record " + std::to_string(bad_seq) + ": " + problem;
    if (checkpoint == 0) return "verified " + std::to_string(records) + " records (no signed checkpoint yet)";
    return "verified " + std::to_string(records) + " records up to checkpoint " + std::to_string(checkpoint);
}

ChainVerifier::ChainVerifier(std::vector<Checkpoint> checkpoints, PublicKey key, Hash anchor,
                             std::int64_t first_seq)
    : key_(key), running_(anchor), first_seq_(first_seq), expected_(first_seq) {
    for (auto& c : checkpoints) checkpoints_.emplace(c.seq, std::move(c));
}

bool ChainVerifier::fail(std::int64_t seq, std::string problem) {
    if (result_.ok) {
        result_.ok = false;
        result_.bad_seq = seq;
        result_.problem = std::move(problem);
    }
    return false;
}

bool ChainVerifier::add(const StoredRecord& r) {
    if (!result_.ok) return false;
    const auto seq = r.record.seq;
    if (seq > expected_) return fail(expected_, "missing (the next record is " + std::to_string(seq) + ")");
    if (seq < expected_) return fail(seq, "out of order or duplicated (expected " + std::to_string(expected_) + ")");
    if (sodium_memcmp(r.prev.data(), running_.data(), running_.size()) != 0)
        return fail(seq, "link broken: its previous-hash does not match record " + std::to_string(seq - 1));
    const Hash computed = chain_hash(running_, r.record);
    if (sodium_memcmp(computed.data(), r.hash.data(), computed.size()) != 0)
        return fail(seq, "content changed: its hash does not match its fields");
    if (auto it = checkpoints_.find(seq); it != checkpoints_.end()) {
        if (!verify_checkpoint(it->second, key_)) return fail(seq, "the checkpoint at this record has an invalid signature");
        if (sodium_memcmp(it->second.hash.data(), computed.data(), computed.size()) != 0)
            return fail(seq, "does not match the signed checkpoint (the chain was rewritten)");
        result_.checkpoint = seq;
    }
    running_ = computed;
    ++expected_;
    ++result_.records;
    return true;
}

VerifyResult ChainVerifier::finish() {
    if (result_.ok) {
        for (const auto& [seq, c] : checkpoints_) {
            if (seq < first_seq_) continue;
            if (seq >= expected_) {
                if (!verify_checkpoint(c, key_)) {
                    fail(seq, "the checkpoint at this record has an invalid signature");
                } else {
                    fail(expected_, "missing: a signed checkpoint covers records up to " + std::to_string(seq) +
                                        " but the chain ends at " + std::to_string(expected_ - 1));
                }
                break;
            }
        }
    }
    return result_;
}

}  // namespace wardline::server::audit
