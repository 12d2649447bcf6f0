// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for the NOTIFY payloads of the event relay between server processes
// (server/identity/relayed_event.hpp): any bytes decode or are refused, never a crash; what
// decodes is well-formed, and re-encoding it decodes to the same events.
#include "server/identity/relayed_event.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace wardline::server::identity;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto decoded = decode_relay_payload(text);
    if (!decoded) return 0;
    if (decoded->node.empty() || decoded->node.size() > 32) __builtin_trap();
    if (decoded->stored_id) {
        if (*decoded->stored_id < 1 || !decoded->events.empty()) __builtin_trap();
        if (relay_reference(decoded->node, *decoded->stored_id) != text) __builtin_trap();
        return 0;
    }
    if (decoded->events.empty() || decoded->events.size() > kMaxRelayBatch) __builtin_trap();
    std::vector<std::string> encoded;
    for (const auto& e : decoded->events) {
        if (e.target.empty()) __builtin_trap();
        encoded.push_back(encode_relay_event(e));
    }
    // Re-encoded text can be longer (escapes), so it goes through the stored-batch decoder.
    const std::string again = relay_payload(decoded->node, encoded);
    const auto array = std::string_view(again).substr(again.find('['));
    const auto redecoded = decode_relay_events(array);
    if (!redecoded || *redecoded != decoded->events) __builtin_trap();
    return 0;
}
