// SPDX-License-Identifier: Apache-2.0
// render_markdown(): content and determinism (the byte-for-byte check against docs/protocol.md
// is the ctest proto_doc_up_to_date).
#include "common/proto/markdown.hpp"
#include "proto_test_support.hpp"

namespace wardline::proto::test {
namespace {

bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

TEST(ProtoMarkdown, DocumentsEveryRequestEventErrorAndLimit) {
    const auto& p = embedded();
    const auto doc = render_markdown(p);
    EXPECT_TRUE(contains(doc, "# Wardline protocol, version 1\n"));
    for (const auto& type : p.request_types()) EXPECT_TRUE(contains(doc, "### `" + type + "`\n"));
    for (const auto& name : p.event_types()) EXPECT_TRUE(contains(doc, "### `" + name + "`\n"));
    for (const auto& code : p.error_codes()) EXPECT_TRUE(contains(doc, "| `" + code + "` |"));
    EXPECT_TRUE(contains(doc, "| `max_frame_bytes` | 65536 |"));
}

TEST(ProtoMarkdown, RendersFieldRules) {
    const auto doc = render_markdown(embedded());
    EXPECT_TRUE(contains(doc, "| `protocol` | integer | yes | minimum 1; maximum 1000 |"));
    EXPECT_TRUE(contains(doc, "| `client` | string | no | 1 to 64 characters |"));
    EXPECT_TRUE(contains(doc, "| `data` | string | no | at most 1024 characters |"));
    EXPECT_TRUE(contains(doc, "| `limits.max_frame_bytes` | integer | yes |"));
    EXPECT_TRUE(contains(doc, "| `database` | string | yes | one of `\"ok\"` |"));
    const auto rendered = render_markdown(keyword_protocol());
    EXPECT_TRUE(contains(rendered, "| `tags` | array | no | 1 to 3 items |"));
    EXPECT_TRUE(contains(rendered, "| `tags[]` | string |  | 2 to 4 characters |"));
}

TEST(ProtoMarkdown, IsDeterministic) {
    EXPECT_EQ(render_markdown(embedded()), render_markdown(Protocol::load_embedded()));
}

}  // namespace
}  // namespace wardline::proto::test
