// SPDX-License-Identifier: Apache-2.0
#pragma once
// The message stream (issue #5) against a real server, database and TLS: users made with
// wardlinectl, conversations made by one helper (create_conversation), and real MLS groups
// (common/mls) on the clients' side, so every message the server relays is a real ciphertext.
#include "common/mls/group.hpp"
#include "common/proto/protocol.hpp"
#include "tests/integration/identity/identity_fixture.hpp"
#include "tests/support/server_process.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace wardline::test {

/// A user's device as a client holds it: its connection and its MLS state in one conversation.
struct Client {
    TestUser* user = nullptr;
    std::unique_ptr<WsClient> ws;
    mls::KeyPackageBundle bundle;
    std::optional<mls::Group> group;
};

class StreamFixture : public IdentityFixture {
protected:
    void SetUp() override;
    /// Starts the server; `config` adds to a generous login burst.
    void start_stream(std::map<std::string, std::string> config = {});

    std::string org_id(const TestUser& u);
    /// THE one place that makes conversations: plain SQL through the owner connection, until
    /// conversations.create (branch conv) is merged; then only this function changes.
    /// `members` are (user, role) pairs; returns the conversation id.
    std::string create_conversation(
        const TestUser& creator,
        const std::vector<std::pair<const TestUser*, std::string>>& members,
        const mls::Bytes& group_id);
    /// A new connection resuming the user's enrollment session (same device).
    std::unique_ptr<WsClient> session(const TestUser& u);
    /// A second server process on the same database with the first one's sealing keyring
    /// (and `config`); waits until it listens for the other processes' notifications.
    std::unique_ptr<ServerProcess> second_node(std::map<std::string, std::string> config = {});
    /// session() on another server process.
    std::unique_ptr<WsClient> resume_on(ServerProcess& node, const TestUser& u);
    /// A client of `u` with a fresh KeyPackage of its device credential.
    Client client(TestUser& u);
    /// `creator` makes the MLS group of a new conversation with `others` as members (role
    /// member), adds their devices by a commit through handshake.submit, and they join from the
    /// welcome.new event. Returns the conversation id.
    /// `extensions` go into the group's GroupContext (e.g. the server as external sender).
    std::string group_of(Client& creator, std::vector<Client*> others,
                         std::vector<mls::Extension> extensions = {});
    /// The MLS part of group_of for a conversation that exists already (e.g. made with
    /// conversations.create): the creator's group with id `group_id`, the Add of the others'
    /// devices through handshake.submit, and their joining from welcome.new.
    void form_group(Client& creator, std::vector<Client*> others, const std::string& conversation,
                    const mls::Bytes& group_id, std::vector<mls::Extension> extensions = {});

    static mls::Bytes random_group_id();
    static std::string new_uuid();
    static std::string base64(const mls::MLSMessage& m);
    static mls::MLSMessage parse(const std::string& base64_text);
    static std::string code(const nlohmann::json& r);

    /// The body of an ok response, checked against the response schema.
    nlohmann::json ok(const std::string& type, const nlohmann::json& r);
    /// messages.send of `text` encrypted by the client's group.
    nlohmann::json send(Client& c, const std::string& conversation_id, const std::string& text,
                        const std::string& client_msg_id = "");
    nlohmann::json send_body(Client& c, const std::string& conversation_id, const std::string& text,
                             const std::string& client_msg_id);
    /// The next event of `type` on the connection (earlier frames of other kinds are skipped).
    nlohmann::json next_event(WsClient& ws, const std::string& type);
    /// Decrypts an application message of message.new / messages.sync with the client's group.
    std::string open(Client& c, const nlohmann::json& message);

    long long rows(const std::string& table, const std::string& conversation_id);

    const proto::Protocol protocol_ = proto::Protocol::load_embedded();
    std::map<std::string, std::string> org_ids_;
    std::map<const WsClient*, std::size_t> seen_events_;
};

}  // namespace wardline::test
