// SPDX-License-Identifier: Apache-2.0
// The TLS presentation-language codec with MLS varints (RFC 9420 §2.1.2).
#include "common/mls/tls_codec.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using wardline::mls::Bytes;
using wardline::mls::Error;
using wardline::mls::kMaxVarint;
using wardline::mls::Reader;
using wardline::mls::Result;
using wardline::mls::Writer;

Bytes bytes_of(const Writer& w) {
    return {w.data().begin(), w.data().end()};
}

Bytes varint_bytes(std::uint64_t v) {
    Writer w;
    EXPECT_TRUE(w.varint(v));
    return bytes_of(w);
}

// ---- Writer ----------------------------------------------------------------------------------

TEST(TlsCodecWriter, WritesFixedWidthIntegersBigEndian) {
    Writer w;
    w.u8(0x01);
    w.u16(0x0203);
    w.u32(0x04050607);
    w.u64(0x08090a0b0c0d0e0f);
    EXPECT_EQ(bytes_of(w), (Bytes{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}));
}

TEST(TlsCodecWriter, UsesTheShortestVarintAtEveryBoundary) {
    EXPECT_EQ(varint_bytes(0), (Bytes{0x00}));
    EXPECT_EQ(varint_bytes(63), (Bytes{0x3f}));
    EXPECT_EQ(varint_bytes(64), (Bytes{0x40, 0x40}));
    EXPECT_EQ(varint_bytes(16383), (Bytes{0x7f, 0xff}));
    EXPECT_EQ(varint_bytes(16384), (Bytes{0x80, 0x00, 0x40, 0x00}));
    EXPECT_EQ(varint_bytes(kMaxVarint), (Bytes{0xbf, 0xff, 0xff, 0xff}));
}

TEST(TlsCodecWriter, RefusesVarintAboveTwoToTheThirtyMinusOneAndWritesNothing) {
    Writer w;
    w.u8(0xaa);
    for (const std::uint64_t v : {std::uint64_t{kMaxVarint} + 1, std::uint64_t{1} << 32,
                                  std::numeric_limits<std::uint64_t>::max()}) {
        const Result<void> r = w.varint(v);
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error(), Error::value_too_large);
    }
    EXPECT_EQ(bytes_of(w), (Bytes{0xaa}));
    EXPECT_EQ(wardline::mls::varint_size(std::uint64_t{kMaxVarint} + 1).error(),
              Error::value_too_large);
}

TEST(TlsCodecWriter, PrefixesVectorsWithTheirLength) {
    Writer w;
    ASSERT_TRUE(w.vector(Bytes{}));
    ASSERT_TRUE(w.vector(Bytes{7, 8, 9}));
    const Bytes long_body(64, 0x11);
    ASSERT_TRUE(w.vector(long_body));
    Bytes expected{0x00, 0x03, 7, 8, 9, 0x40, 0x40};
    expected.insert(expected.end(), long_body.begin(), long_body.end());
    EXPECT_EQ(bytes_of(w), expected);
}

TEST(TlsCodecWriter, NestedVectorGetsItsLengthAfterTheBodyIsWritten) {
    Writer w;
    w.u8(0xee);
    const Result<void> r = w.vector_of([](Writer& inner) {
        inner.u16(0x0102);
        return inner.vector(Bytes{0x03});
    });
    ASSERT_TRUE(r);
    EXPECT_EQ(bytes_of(w), (Bytes{0xee, 0x04, 0x01, 0x02, 0x01, 0x03}));
}

TEST(TlsCodecWriter, NestedVectorLongerThanSixtyThreeBytesGetsTwoByteLength) {
    Writer w;
    ASSERT_TRUE(w.vector_of([](Writer& inner) { inner.bytes(Bytes(100, 0x22)); }));
    const Bytes out = bytes_of(w);
    ASSERT_EQ(out.size(), 102u);
    EXPECT_EQ(out[0], 0x40);
    EXPECT_EQ(out[1], 100);
    EXPECT_EQ(out[2], 0x22);
}

TEST(TlsCodecWriter, FailedNestedVectorLeavesTheBufferUnchanged) {
    Writer w;
    w.u8(0x01);
    const Result<void> r = w.vector_of([](Writer& inner) -> Result<void> {
        inner.u32(0xdeadbeef);
        return inner.varint(std::uint64_t{1} << 31);
    });
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), Error::value_too_large);
    EXPECT_EQ(bytes_of(w), (Bytes{0x01}));
}

TEST(TlsCodecWriter, TakeHandsOverTheBufferAndEmptiesTheWriter) {
    Writer w;
    w.u16(0xabcd);
    EXPECT_EQ(w.take(), (Bytes{0xab, 0xcd}));
    EXPECT_TRUE(w.data().empty());
}

// ---- Round trips -------------------------------------------------------------------------------

TEST(TlsCodecRoundTrip, VarintsAroundEveryBoundaryDecodeToThemselves) {
    for (const std::uint32_t base : {0u, 63u, 64u, 16383u, 16384u, kMaxVarint - 2}) {
        for (std::uint32_t v = base == 0 ? 0 : base - 2; v <= base + 2 && v <= kMaxVarint; ++v) {
            SCOPED_TRACE(v);
            const Bytes enc = varint_bytes(v);
            Reader r(enc);
            const auto dec = r.varint();
            ASSERT_TRUE(dec);
            EXPECT_EQ(*dec, v);
            EXPECT_TRUE(r.expect_end());
        }
    }
}

TEST(TlsCodecRoundTrip, StructureOfIntegersAndNestedVectorsReadsBack) {
    Writer w;
    w.u8(0x7f);
    w.u64(0x0102030405060708);
    ASSERT_TRUE(w.vector_of([](Writer& list) -> Result<void> {
        for (std::uint8_t i = 0; i < 3; ++i) {
            if (auto r = list.vector(Bytes(i, i)); !r) return r;
        }
        return {};
    }));
    w.u32(0xcafebabe);
    const Bytes enc = w.take();

    Reader r(enc);
    EXPECT_EQ(r.u8().value(), 0x7f);
    EXPECT_EQ(r.u64().value(), 0x0102030405060708u);
    auto list = r.vector_reader();
    ASSERT_TRUE(list);
    for (std::uint8_t i = 0; i < 3; ++i) {
        const auto item = list->vector();
        ASSERT_TRUE(item);
        EXPECT_EQ(Bytes(item->begin(), item->end()), Bytes(i, i));
    }
    EXPECT_TRUE(list->expect_end());
    EXPECT_EQ(r.u32().value(), 0xcafebabeu);
    EXPECT_TRUE(r.expect_end());
}

// ---- Reader: bad input -------------------------------------------------------------------------

TEST(TlsCodecReader, ReadsFixedWidthIntegersBigEndian) {
    const Bytes in{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    Reader r(in);
    EXPECT_EQ(r.u8().value(), 0x01);
    EXPECT_EQ(r.u16().value(), 0x0203);
    EXPECT_EQ(r.u32().value(), 0x04050607u);
    EXPECT_EQ(r.u64().value(), 0x08090a0b0c0d0e0fu);
    EXPECT_TRUE(r.at_end());
}

TEST(TlsCodecReader, EveryTruncationOfAStructureIsRefusedWithoutReadingPastTheEnd) {
    Writer w;
    w.u16(0x1234);
    ASSERT_TRUE(w.vector(Bytes(70, 0x33)));  // two-byte length prefix
    w.u32(0x01020304);
    ASSERT_TRUE(w.varint(20000));  // four-byte varint
    w.u64(42);
    const Bytes full = w.take();

    // Decodes the structure; the first failure ends it.
    auto decode = [](std::span<const std::uint8_t> in) -> Result<void> {
        Reader r(in);
        if (auto v = r.u16(); !v) return v.error();
        if (auto v = r.vector(); !v) return v.error();
        if (auto v = r.u32(); !v) return v.error();
        if (auto v = r.varint(); !v) return v.error();
        if (auto v = r.u64(); !v) return v.error();
        return r.expect_end();
    };
    ASSERT_TRUE(decode(full));
    for (std::size_t n = 0; n < full.size(); ++n) {
        SCOPED_TRACE("prefix of " + std::to_string(n) + " bytes");
        // A copy of exactly n bytes, so ASan would catch a read past the end.
        const Bytes cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
        const Result<void> r = decode(cut);
        ASSERT_FALSE(r);
        // Inside the vector body the announced length is the problem; elsewhere the input ends.
        const bool in_vector_body = n >= 4 && n < 4 + 70;
        EXPECT_EQ(r.error(), in_vector_body ? Error::length_too_large : Error::truncated);
    }
}

TEST(TlsCodecReader, FailedReadLeavesThePositionUnchanged) {
    const Bytes in{0x05, 0x40};
    Reader r(in);
    ASSERT_TRUE(r.u8());
    EXPECT_EQ(r.u16().error(), Error::truncated);
    EXPECT_EQ(r.varint().error(), Error::truncated);
    EXPECT_EQ(r.bytes(2).error(), Error::truncated);
    EXPECT_EQ(r.position(), 1u);
    EXPECT_EQ(r.remaining(), 1u);
}

TEST(TlsCodecReader, VarintOnEmptyInputIsTruncated) {
    Reader r(std::span<const std::uint8_t>{});
    EXPECT_EQ(r.varint().error(), Error::truncated);
    EXPECT_EQ(r.vector().error(), Error::truncated);
}

TEST(TlsCodecReader, RefusesNonMinimalVarints) {
    const std::vector<Bytes> cases{
        {0x40, 0x01},              // 1 in two bytes
        {0x40, 0x00},              // 0 in two bytes
        {0x40, 0x3f},              // 63 in two bytes
        {0x80, 0x00, 0x00, 0x01},  // 1 in four bytes
        {0x80, 0x00, 0x3f, 0xff},  // 16383 in four bytes
    };
    for (const Bytes& c : cases) {
        Reader r(c);
        const auto v = r.varint();
        ASSERT_FALSE(v);
        EXPECT_EQ(v.error(), Error::non_minimal_varint);
        EXPECT_EQ(r.position(), 0u);
        Reader as_vector(c);
        EXPECT_EQ(as_vector.vector().error(), Error::non_minimal_varint);
    }
}

TEST(TlsCodecReader, RefusesTheReservedPrefixEleven) {
    for (const Bytes& c : {Bytes{0xc0}, Bytes{0xc0, 0, 0, 0, 0, 0, 0, 1}, Bytes{0xff, 0xff}}) {
        Reader r(c);
        EXPECT_EQ(r.varint().error(), Error::invalid_varint);
        EXPECT_EQ(r.position(), 0u);
    }
}

TEST(TlsCodecReader, RefusesVectorLengthBeyondTheBuffer) {
    const Bytes in{0x05, 1, 2, 3, 4};  // announces 5, has 4
    Reader r(in);
    EXPECT_EQ(r.vector().error(), Error::length_too_large);
    EXPECT_EQ(r.position(), 0u);

    const Bytes huge{0xbf, 0xff, 0xff, 0xff, 0x00};  // announces 2^30 - 1
    Reader h(huge);
    EXPECT_EQ(h.vector_reader().error(), Error::length_too_large);
}

TEST(TlsCodecReader, ReportsTrailingDataOnlyWhenBytesRemain) {
    const Bytes in{0x01, 0xaa, 0xbb};
    Reader r(in);
    const auto body = r.vector();
    ASSERT_TRUE(body);
    EXPECT_EQ(body->size(), 1u);
    EXPECT_EQ(r.expect_end().error(), Error::trailing_data);
    ASSERT_TRUE(r.u8());
    EXPECT_TRUE(r.expect_end());
}

TEST(TlsCodecReader, SubReaderSeesOnlyTheVectorBody) {
    const Bytes in{0x02, 0x10, 0x20, 0x30};
    Reader r(in);
    auto sub = r.vector_reader();
    ASSERT_TRUE(sub);
    EXPECT_EQ(sub->u16().value(), 0x1020);
    EXPECT_EQ(sub->u8().error(), Error::truncated);  // 0x30 belongs to the outer reader
    EXPECT_EQ(r.u8().value(), 0x30);
}

TEST(TlsCodecError, ValueOfAFailedResultIsALogicError) {
    const Bytes in{};
    Reader r(in);
    EXPECT_THROW((void)r.u8().value(), std::logic_error);
    EXPECT_EQ(to_string(Error::non_minimal_varint), "non_minimal_varint");
}

}  // namespace
