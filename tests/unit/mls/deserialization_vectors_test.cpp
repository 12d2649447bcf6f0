// SPDX-License-Identifier: Apache-2.0
// deserialization.json: MLS variable-length vector headers (RFC 9420 §2.1.2).
#include "common/mls/tls_codec.hpp"
#include "mls_vectors.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace {

using wardline::mls::Error;
using wardline::mls::Reader;
using wardline::mls::Writer;
using wardline::mls::test::from_hex;
using wardline::mls::test::load_vectors;

TEST(DeserializationVectors, EveryHeaderDecodesToItsLengthAndReencodesIdentically) {
    const nlohmann::json cases = load_vectors("deserialization.json");
    ASSERT_TRUE(cases.is_array());
    ASSERT_EQ(cases.size(), 14u) << "the vector file changed; review the new cases";
    for (const nlohmann::json& c : cases) {
        const std::string hex = c.at("vlbytes_header").get<std::string>();
        const auto length = c.at("length").get<std::uint32_t>();
        SCOPED_TRACE("vlbytes_header " + hex);
        const std::vector<std::uint8_t> header = from_hex(hex);

        Reader reader(header);
        const auto decoded = reader.varint();
        ASSERT_TRUE(decoded) << to_string(decoded.error());
        EXPECT_EQ(*decoded, length);
        EXPECT_TRUE(reader.expect_end());

        Writer writer;
        ASSERT_TRUE(writer.varint(length));
        EXPECT_EQ(std::vector<std::uint8_t>(writer.data().begin(), writer.data().end()), header);
    }
}

TEST(DeserializationVectors, HeaderWithBodyReadsAsVectorAndTruncatedBodyIsRefused) {
    // The same headers in front of a body of the announced length: the body is accepted, one
    // byte less is length_too_large. The largest case is left to the codec tests (1 GiB).
    const nlohmann::json cases = load_vectors("deserialization.json");
    for (const nlohmann::json& c : cases) {
        const auto length = c.at("length").get<std::uint32_t>();
        if (length > 65536) continue;
        SCOPED_TRACE("length " + std::to_string(length));
        std::vector<std::uint8_t> bytes = from_hex(c.at("vlbytes_header").get<std::string>());
        const std::size_t header_size = bytes.size();
        bytes.resize(header_size + length, 0x5a);

        Reader full(bytes);
        const auto body = full.vector();
        ASSERT_TRUE(body);
        EXPECT_EQ(body->size(), length);
        EXPECT_EQ(body->data(), bytes.data() + header_size);
        EXPECT_TRUE(full.expect_end());

        if (length == 0) continue;
        bytes.pop_back();
        Reader cut(bytes);
        const auto refused = cut.vector();
        ASSERT_FALSE(refused);
        EXPECT_EQ(refused.error(), Error::length_too_large);
        EXPECT_EQ(cut.position(), 0u);
    }
}

}  // namespace
