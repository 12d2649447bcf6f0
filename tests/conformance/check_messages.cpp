// SPDX-License-Identifier: Apache-2.0
// messages.json (suite-independent): every field decodes as its structure and re-encodes to
// exactly the same bytes; MLSMessage fields carry the wire format their name says.
#include "common/mls/framing.hpp"
#include "common/mls/group_info.hpp"
#include "common/mls/proposal.hpp"
#include "common/mls/struct_codec.hpp"
#include "tests/conformance/conformance.hpp"

namespace wardline::mls::conformance {

namespace {

using FieldCheck = std::function<std::string(const Bytes&)>;  // "" if fine, else what failed

template <class Deserialize>
FieldCheck round_trip(Deserialize deserialize) {
    return [deserialize](const Bytes& input) -> std::string {
        const auto decoded = deserialize(input);
        if (!decoded) return "does not decode: " + std::string(to_string(decoded.error()));
        const Result<Bytes> again = serialize(*decoded);
        if (!again) return "does not encode: " + std::string(to_string(again.error()));
        return *again == input ? "" : "re-encodes differently";
    };
}

FieldCheck message_of(WireFormat wire_format) {
    return [wire_format](const Bytes& input) -> std::string {
        std::string problem = round_trip(deserialize_mls_message)(input);
        if (!problem.empty()) return problem;
        return deserialize_mls_message(input).value().wire_format() == wire_format
                   ? ""
                   : "has another wire format";
    };
}

}  // namespace

FileReport check_messages(const Json& file) {
    const std::pair<const char*, FieldCheck> fields[] = {
        {"mls_welcome", message_of(WireFormat::welcome)},
        {"mls_group_info", message_of(WireFormat::group_info)},
        {"mls_key_package", message_of(WireFormat::key_package)},
        {"ratchet_tree", round_trip(deserialize_ratchet_tree)},
        {"group_secrets", round_trip(deserialize_group_secrets)},
        {"add_proposal", round_trip(deserialize_add)},
        {"update_proposal", round_trip(deserialize_update)},
        {"remove_proposal", round_trip(deserialize_remove)},
        {"pre_shared_key_proposal", round_trip(deserialize_pre_shared_key)},
        {"re_init_proposal", round_trip(deserialize_re_init)},
        {"external_init_proposal", round_trip(deserialize_external_init)},
        {"group_context_extensions_proposal", round_trip(deserialize_group_context_extensions)},
        {"commit", round_trip(deserialize_commit)},
        {"public_message_application", message_of(WireFormat::public_message)},
        {"public_message_proposal", message_of(WireFormat::public_message)},
        {"public_message_commit", message_of(WireFormat::public_message)},
        {"private_message", message_of(WireFormat::private_message)},
    };
    return run_cases(file, false, [&](const Json& v, const CipherSuite*, Case& c) {
        c.expect_true("has exactly the known fields", v.size() == std::size(fields));
        for (const auto& [name, check] : fields) {
            const std::string problem = check(hex_field(v, name));
            if (!problem.empty()) c.fail(std::string(name) + " " + problem);
        }
    });
}

}  // namespace wardline::mls::conformance
