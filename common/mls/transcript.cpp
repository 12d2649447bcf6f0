// SPDX-License-Identifier: Apache-2.0
#include "common/mls/transcript.hpp"

namespace wardline::mls {

Result<Bytes> confirmed_transcript_hash(const CipherSuite& cs, ByteView interim_transcript_hash,
                                        const AuthenticatedContent& commit) {
    const Result<Bytes> input =
        confirmed_transcript_hash_input(commit.wire_format, commit.content, commit.auth.signature);
    if (!input) return input.error();
    return cs.hash(concat(interim_transcript_hash, *input));
}

Result<Bytes> interim_transcript_hash(const CipherSuite& cs, ByteView confirmed_transcript_hash,
                                      ByteView confirmation_tag) {
    const Result<Bytes> input = interim_transcript_hash_input(confirmation_tag);
    if (!input) return input.error();
    return cs.hash(concat(confirmed_transcript_hash, *input));
}

Result<TranscriptHashes> next_transcript_hashes(const CipherSuite& cs,
                                                ByteView interim_transcript_hash,
                                                const AuthenticatedContent& commit) {
    if (!commit.auth.confirmation_tag) return Error::invalid_value;
    Result<Bytes> confirmed = confirmed_transcript_hash(cs, interim_transcript_hash, commit);
    if (!confirmed) return confirmed.error();
    Result<Bytes> interim =
        mls::interim_transcript_hash(cs, *confirmed, *commit.auth.confirmation_tag);
    if (!interim) return interim.error();
    return TranscriptHashes{std::move(*confirmed), std::move(*interim)};
}

Bytes confirmation_tag(const CipherSuite& cs, ByteView confirmation_key,
                       ByteView confirmed_transcript_hash) {
    return cs.hmac(confirmation_key, confirmed_transcript_hash);
}

Result<void> verify_confirmation_tag(const CipherSuite& cs, ByteView confirmation_key,
                                     ByteView confirmed_transcript_hash, ByteView tag) {
    const Bytes expected = confirmation_tag(cs, confirmation_key, confirmed_transcript_hash);
    if (!equal_constant_time(expected, tag)) return Error::invalid_confirmation_tag;
    return {};
}

}  // namespace wardline::mls
