// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for the RFC 9420 wire structures (common/mls/framing.hpp and the headers it
// includes). The first input byte picks the structure, modulo 10: 0 MLSMessage, 1 KeyPackage,
// 2 ratchet tree, 3 GroupInfo, 4 Welcome, 5 GroupSecrets, 6 Commit, 7 Proposal,
// 8 PrivateMessageContent, 9 SenderData; the rest is decoded as a whole, except that for 8 the
// second byte picks the content type (modulo 4, 0 being an invalid type that must be refused).
// Any bytes must decode or be refused, never crash or read past the end, and what decodes must
// re-encode to exactly the same bytes: the codecs accept one encoding per value (minimal
// varints, known selector values, presence bytes 0 and 1 only, zero padding).
#include "common/mls/framing.hpp"
#include "common/mls/group_info.hpp"
#include "common/mls/key_package.hpp"
#include "common/mls/private_message_content.hpp"
#include "common/mls/proposal.hpp"
#include "common/mls/struct_codec.hpp"
#include "common/mls/tree_nodes.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

namespace {

using wardline::mls::Bytes;
using wardline::mls::ByteView;
using wardline::mls::Result;

template <class Deserialize>
void check_round_trip(ByteView input, Deserialize deserialize) {
    const auto decoded = deserialize(input);
    if (!decoded) return;
    const Result<Bytes> again = wardline::mls::serialize(*decoded);
    if (!again) __builtin_trap();  // a decoded value always encodes
    if (!std::equal(again->begin(), again->end(), input.begin(), input.end())) __builtin_trap();
}

// The plaintext of a PrivateMessage, whose content type is outside it (RFC 9420 §6.3.1): the
// first byte picks the type, the rest is the plaintext with its padding.
void check_private_message_content(ByteView input) {
    namespace mls = wardline::mls;
    if (input.empty()) return;
    const auto type = static_cast<mls::ContentType>(input[0] % 4);
    const ByteView plaintext = input.subspan(1);
    const Result<mls::PrivateMessageContent> decoded =
        mls::deserialize_private_message_content(plaintext, type);
    if (!decoded) return;
    if (decoded->content_type() != type) __builtin_trap();  // type 0 is never decoded
    const Result<Bytes> again = mls::serialize_private_message_content(*decoded);
    if (!again) __builtin_trap();
    if (!std::equal(again->begin(), again->end(), plaintext.begin(), plaintext.end()))
        __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const ByteView input(data + 1, size - 1);
    namespace mls = wardline::mls;
    switch (data[0] % 10) {
        case 0:
            check_round_trip(input, mls::deserialize_mls_message);
            break;
        case 1:
            check_round_trip(input, mls::deserialize_key_package);
            break;
        case 2:
            check_round_trip(input, mls::deserialize_ratchet_tree);
            break;
        case 3:
            check_round_trip(input, mls::deserialize_group_info);
            break;
        case 4:
            check_round_trip(input, mls::deserialize_welcome);
            break;
        case 5:
            check_round_trip(input, mls::deserialize_group_secrets);
            break;
        case 6:
            check_round_trip(input, mls::deserialize_commit);
            break;
        case 7:
            check_round_trip(input, mls::deserialize_proposal);
            break;
        case 8:
            check_private_message_content(input);
            break;
        default:
            check_round_trip(input, mls::deserialize_sender_data);
            break;
    }
    return 0;
}
