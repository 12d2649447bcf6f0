// SPDX-License-Identifier: Apache-2.0
#include "tests/integration/conversations/conversation_fixture.hpp"

#include "tests/support/pg_cluster.hpp"

#include <sodium.h>

#include <chrono>

namespace wardline::test {

using nlohmann::json;

std::string error_code(const json& r) {
    return r.value("status", "") == "error" ? r["error"]["code"].get<std::string>() : "";
}

std::string new_group_id() {
    unsigned char bytes[16];
    randombytes_buf(bytes, sizeof bytes);
    char text[sodium_base64_ENCODED_LEN(16, sodium_base64_VARIANT_ORIGINAL)];
    sodium_bin2base64(text, sizeof text, bytes, sizeof bytes, sodium_base64_VARIANT_ORIGINAL);
    return text;
}

void ConversationFixture::SetUp() {
    IdentityFixture::SetUp();
    create_org("General");
    create_org("Other");
    start({{"identity.login_burst", "1000"}});
}

json ConversationFixture::ok(const std::string& type, const json& r) {
    EXPECT_EQ(r.value("status", ""), "ok") << type << ": " << r.dump();
    if (r.value("status", "") != "ok") return json::object();
    const auto problem = protocol_.check_response(type, r["body"]);
    EXPECT_FALSE(problem.has_value()) << type << ": " << problem.value_or("");
    return r["body"];
}

json ConversationFixture::create(WsClient& ws, const std::string& kind,
                                 const std::vector<std::string>& member_ids, json extra) {
    json body = std::move(extra);
    body["kind"] = kind;
    body["mls_group_id"] = new_group_id();
    body["members"] = member_ids;
    const auto r = ok("conversations.create", ws.request("conversations.create", body));
    return r.value("conversation", json::object());
}

json ConversationFixture::get(WsClient& ws, const std::string& id) {
    return ok("conversations.get", ws.request("conversations.get", {{"conversation_id", id}}));
}

bool ConversationFixture::got_event(WsClient& ws, const std::string& type,
                                    const std::string& conversation_id) {
    return wait_for(
        [&] {
            for (const auto& e : ws.events())
                if (e.value("event", "") == type &&
                    e["body"].value("conversation_id", "") == conversation_id)
                    return true;
            ws.request("system.ping");
            return false;
        },
        std::chrono::seconds(5));
}

}  // namespace wardline::test
