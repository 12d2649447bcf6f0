// SPDX-License-Identifier: Apache-2.0
// Transcript hashes and the confirmation tag (RFC 9420 §8.2, §6.1). Each Commit extends two
// hash chains: the confirmed transcript hash covers the commit as signed, the interim one adds
// its confirmation tag, and the next commit's confirmed hash starts from the interim one:
//
//   confirmed_transcript_hash[n] = Hash(interim_transcript_hash[n-1] ||
//                                       ConfirmedTranscriptHashInput[n])
//   interim_transcript_hash[n]   = Hash(confirmed_transcript_hash[n] ||
//                                       InterimTranscriptHashInput[n])
//
// The confirmation tag is MAC(confirmation_key, confirmed_transcript_hash) with the keys of the
// epoch the commit starts, so members who arrive at different states notice it.
#pragma once
#include "common/mls/cipher_suite.hpp"
#include "common/mls/framing.hpp"

namespace wardline::mls {

/// confirmed_transcript_hash after `commit` (§8.2): its input is the commit's wire_format,
/// content and signature, not its confirmation tag (which depends on this hash).
/// invalid_value if the content is not a commit.
Result<Bytes> confirmed_transcript_hash(const CipherSuite& cs, ByteView interim_transcript_hash,
                                        const AuthenticatedContent& commit);

/// interim_transcript_hash from the confirmed one and the commit's confirmation tag (§8.2).
/// A new group's first interim hash is computed from an empty confirmed hash and the
/// confirmation tag of epoch 0 (§8.2, §11).
Result<Bytes> interim_transcript_hash(const CipherSuite& cs, ByteView confirmed_transcript_hash,
                                      ByteView confirmation_tag);

/// Both hashes after a commit that carries its confirmation tag; invalid_value if the content is
/// not a commit or has no tag.
struct TranscriptHashes {
    Bytes confirmed;
    Bytes interim;
};
Result<TranscriptHashes> next_transcript_hashes(const CipherSuite& cs,
                                                ByteView interim_transcript_hash,
                                                const AuthenticatedContent& commit);

/// confirmation_tag = MAC(confirmation_key, confirmed_transcript_hash) (§6.1); MAC is the
/// suite's HMAC.
Bytes confirmation_tag(const CipherSuite& cs, ByteView confirmation_key,
                       ByteView confirmed_transcript_hash);

/// Checks a confirmation tag in constant time: invalid_confirmation_tag if it differs.
Result<void> verify_confirmation_tag(const CipherSuite& cs, ByteView confirmation_key,
                                     ByteView confirmed_transcript_hash, ByteView tag);

}  // namespace wardline::mls
