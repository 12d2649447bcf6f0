// SPDX-License-Identifier: Apache-2.0
#pragma once
// A real server with two organizations ("General", "Other") and helpers to drive
// conversations.* over TLS, checking every ok response against the protocol schema.
#include "common/proto/protocol.hpp"
#include "tests/integration/identity/identity_fixture.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace wardline::test {

std::string error_code(const nlohmann::json& r);
/// Base64 of 16 random bytes: a fresh MLS group id.
std::string new_group_id();

class ConversationFixture : public IdentityFixture {
protected:
    void SetUp() override;

    /// The body of an ok response, checked against the response schema.
    nlohmann::json ok(const std::string& type, const nlohmann::json& r);
    /// conversations.create of `kind` with `members` (and `extra` fields); the conversation.
    nlohmann::json create(WsClient& ws, const std::string& kind,
                          const std::vector<std::string>& members,
                          nlohmann::json extra = nlohmann::json::object());
    nlohmann::json get(WsClient& ws, const std::string& id);
    /// Sends system.ping until `ws` has received an event `type` about `conversation_id`
    /// (events come in between responses); false after 5 s.
    bool got_event(WsClient& ws, const std::string& type, const std::string& conversation_id);

    long long conversations() { return count("SELECT count(*) FROM conversations"); }
    long long members(const std::string& id) {
        return count("SELECT count(*) FROM conversation_members WHERE conversation_id = '" + id +
                     "'");
    }

    const proto::Protocol protocol_ = proto::Protocol::load_embedded();
};

}  // namespace wardline::test
