// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for the request decoder (after Boost.Beast's test/fuzz targets): any bytes
// must decode to a request or a refusal, never a crash, and the answer must encode cleanly.
#include "common/proto/envelope.hpp"
#include "common/proto/protocol.hpp"
#include "common/proto/text.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

namespace {

const wardline::proto::Protocol& protocol() {
    static const auto loaded = wardline::proto::Protocol::load_embedded();
    return loaded;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace wardline::proto;
    const std::string_view frame(reinterpret_cast<const char*>(data), size);
    const auto result = protocol().decode_request(frame);
    if (const auto* request = std::get_if<Request>(&result)) {
        // An accepted request has a valid id and a body the schema accepts.
        if (request->id.empty() || request->id.size() > 64 || !is_printable_ascii(request->id))
            __builtin_trap();
        if (protocol().request(request->type) == nullptr) __builtin_trap();
        (void)encode_ok(request->id, request->body);
        return 0;
    }
    const auto& error = std::get<DecodeError>(result);
    // Refusal messages are printable text, and an echoed id is a valid one.
    if (!is_printable_ascii(error.message)) __builtin_trap();
    if (error.id && (error.id->empty() || !is_printable_ascii(*error.id))) __builtin_trap();
    (void)encode_error(error);
    return 0;
}
