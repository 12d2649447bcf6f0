// SPDX-License-Identifier: Apache-2.0
#include "tests/integration/messaging/stream_fixture.hpp"

#include "common/core/device_credential.hpp"
#include "common/mls/struct_codec.hpp"
#include "tests/support/key_package_builder.hpp"

#include <sodium.h>

#include <cstdio>
#include <stdexcept>

namespace wardline::test {

using nlohmann::json;

void StreamFixture::SetUp() {
    IdentityFixture::SetUp();
    create_org("General");
    create_org("Other");
}

void StreamFixture::start_stream(std::map<std::string, std::string> config) {
    config.emplace("identity.login_burst", "1000");
    start(std::move(config));
}

std::string StreamFixture::org_id(const TestUser& u) {
    auto& id = org_ids_[u.id];
    if (id.empty())
        id = owner().exec("SELECT org_id FROM users WHERE id = '" + u.id + "'").text_or_throw(0, 0);
    return id;
}

std::string StreamFixture::create_conversation(
    const TestUser& creator, const std::vector<std::pair<const TestUser*, std::string>>& members,
    const mls::Bytes& group_id) {
    auto db = owner();
    std::string hex(group_id.size() * 2 + 1, '\0');
    sodium_bin2hex(hex.data(), hex.size(), group_id.data(), group_id.size());
    hex.pop_back();
    const std::string org = org_id(creator);
    const std::string id(
        db.exec("INSERT INTO conversations (org_id, kind, mls_group_id, created_by) "
                "VALUES ('" +
                org + "', 'group', '\\x" + hex + "'::bytea, '" + creator.id + "') RETURNING id")
            .text_or_throw(0, 0));
    for (const auto& [user, role] : members)
        db.exec(
            "INSERT INTO conversation_members (conversation_id, org_id, user_id, role, added_by) "
            "VALUES ('" +
            id + "', '" + org_id(*user) + "', '" + user->id + "', '" + role + "', '" + creator.id +
            "')");
    return id;
}

std::unique_ptr<WsClient> StreamFixture::session(const TestUser& u) {
    auto ws = connect();
    const auto r = ws->request("auth.resume", {{"token", u.token}, {"device_id", u.device_id}});
    if (r.value("status", "") != "ok") throw std::runtime_error("resume: " + r.dump());
    return ws;
}

std::unique_ptr<ServerProcess> StreamFixture::second_node(
    std::map<std::string, std::string> config) {
    std::string keyring = server().audit_key();
    keyring.replace(keyring.rfind("audit.key"), std::string("audit.key").size(), "sealing.keyring");
    ServerOptions options;
    options.config = std::move(config);
    options.config["identity.sealing_keyring_file"] = keyring;
    auto node = std::make_unique<ServerProcess>(db(), options);
    if (!wait_for(
            [&] { return node->log().find("listening on wardline_stream") != std::string::npos; },
            10s))
        throw std::runtime_error("second node does not listen");
    return node;
}

std::unique_ptr<WsClient> StreamFixture::resume_on(ServerProcess& node, const TestUser& u) {
    ClientOptions o;
    o.port = node.port();
    o.ca_file = node.certificate();
    auto ws = std::make_unique<WsClient>(o);
    if (ws->read_json().value("event", "") != "system.welcome")
        throw std::runtime_error("no system.welcome");
    const auto r = ws->request("auth.resume", {{"token", u.token}, {"device_id", u.device_id}});
    if (r.value("status", "") != "ok") throw std::runtime_error("resume: " + r.dump());
    return ws;
}

Client StreamFixture::client(TestUser& u) {
    Client c;
    c.user = &u;
    mls::Credential credential;
    credential.credential_type = mls::CredentialType::basic;
    const std::string identity = device_credential_identity(org_id(u), u.id, u.device_id);
    credential.identity.assign(identity.begin(), identity.end());
    const auto now = static_cast<std::uint64_t>(unix_now());
    auto bundle = mls::make_key_package(*mls::suite_for(mls::kSuite3), std::move(credential),
                                        signature_key_from_seed(u.device_seed), now - 60,
                                        now + 30 * 24 * 3600);
    if (!bundle) throw std::runtime_error("make_key_package failed");
    c.bundle = std::move(*bundle);
    c.ws = session(u);
    return c;
}

std::string StreamFixture::group_of(Client& creator, std::vector<Client*> others,
                                   std::vector<mls::Extension> extensions) {
    const auto gid = random_group_id();
    std::vector<std::pair<const TestUser*, std::string>> members{{creator.user, "owner"}};
    for (auto* o : others) members.emplace_back(o->user, "member");
    const std::string conversation = create_conversation(*creator.user, members, gid);
    form_group(creator, std::move(others), conversation, gid, std::move(extensions));
    return conversation;
}

void StreamFixture::form_group(Client& creator, std::vector<Client*> others,
                               const std::string& conversation, const mls::Bytes& gid,
                               std::vector<mls::Extension> extensions) {
    const mls::CipherSuite& cs = *mls::suite_for(mls::kSuite3);
    auto created = mls::Group::create(cs, gid, creator.bundle, {}, std::move(extensions));
    if (!created) throw std::runtime_error("Group::create failed");
    creator.group.emplace(std::move(*created));
    if (others.empty()) return;
    std::vector<mls::Proposal> adds;
    for (auto* o : others) adds.push_back(mls::Proposal{mls::Add{o->bundle.key_package}});
    auto out = creator.group->commit(adds);
    if (!out) throw std::runtime_error("commit failed");
    auto info = out->next.group_info();
    if (!info) throw std::runtime_error("group_info failed");
    const auto r = creator.ws->request("handshake.submit", {{"conversation_id", conversation},
                                                            {"client_msg_id", new_uuid()},
                                                            {"message", base64(out->commit)},
                                                            {"welcome", base64(*out->welcome)},
                                                            {"group_info", base64(*info)}});
    if (r.value("status", "") != "ok") throw std::runtime_error("handshake.submit: " + r.dump());
    creator.group.emplace(std::move(out->next));
    for (auto* o : others) {
        const auto event = next_event(*o->ws, "welcome.new");
        const auto welcome = parse(event["body"]["welcome"].get<std::string>());
        auto joined =
            mls::Group::join(cs, std::get<mls::Welcome>(welcome.body), o->bundle, std::nullopt);
        if (!joined) throw std::runtime_error("Group::join failed");
        o->group.emplace(std::move(*joined));
        // The commit itself is in the stream too; the device starts after it.
        const auto delivered = o->ws->request(
            "messages.delivered",
            {{"conversation_id", conversation}, {"seq", event["body"]["commit_seq"]}});
        if (delivered.value("status", "") != "ok")
            throw std::runtime_error("messages.delivered: " + delivered.dump());
    }
}

mls::Bytes StreamFixture::random_group_id() {
    mls::Bytes id(32);
    randombytes_buf(id.data(), id.size());
    return id;
}

std::string StreamFixture::new_uuid() {
    unsigned char b[16];
    randombytes_buf(b, sizeof b);
    b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
    b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
    char out[37];
    std::snprintf(out, sizeof out,
                  "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
                  b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
                  b[14], b[15]);
    return out;
}

std::string StreamFixture::base64(const mls::MLSMessage& m) {
    auto bytes = mls::serialize(m);
    if (!bytes) throw std::runtime_error("MLSMessage does not encode");
    return to_base64(*bytes);
}

mls::MLSMessage StreamFixture::parse(const std::string& text) {
    mls::Bytes bytes(text.size());
    std::size_t length = 0;
    if (sodium_base642bin(bytes.data(), bytes.size(), text.data(), text.size(), nullptr, &length,
                          nullptr, sodium_base64_VARIANT_ORIGINAL) != 0)
        throw std::runtime_error("not base64");
    bytes.resize(length);
    auto m = mls::deserialize_mls_message(bytes);
    if (!m) throw std::runtime_error("not an MLSMessage");
    return std::move(*m);
}

std::string StreamFixture::code(const json& r) {
    return r.value("status", "") == "error" ? r["error"]["code"].get<std::string>() : "";
}

json StreamFixture::ok(const std::string& type, const json& r) {
    EXPECT_EQ(r.value("status", ""), "ok") << r.dump();
    if (r.value("status", "") != "ok") return json::object();
    const auto problem = protocol_.check_response(type, r["body"]);
    EXPECT_FALSE(problem.has_value()) << type << ": " << problem.value_or("");
    return r["body"];
}

json StreamFixture::send_body(Client& c, const std::string& conversation_id,
                              const std::string& text, const std::string& client_msg_id) {
    const mls::Bytes plain(text.begin(), text.end());
    auto message = c.group->encrypt(plain);
    if (!message) throw std::runtime_error("encrypt failed");
    return json{{"conversation_id", conversation_id},
                {"client_msg_id", client_msg_id.empty() ? new_uuid() : client_msg_id},
                {"message", base64(*message)}};
}

json StreamFixture::send(Client& c, const std::string& conversation_id, const std::string& text,
                         const std::string& client_msg_id) {
    return c.ws->request("messages.send", send_body(c, conversation_id, text, client_msg_id));
}

json StreamFixture::next_event(WsClient& ws, const std::string& type) {
    // Events that arrived while request() waited for a response are kept in events().
    auto& seen = seen_events_[&ws];
    const auto& stashed = ws.events();
    for (; seen < stashed.size(); ++seen) {
        if (stashed[seen].value("event", "") == type) return stashed[seen++];
    }
    for (;;) {
        const auto frame = ws.read_json(5s);
        if (frame.value("event", "") == type) {
            const auto problem = protocol_.check_event(type, frame["body"]);
            EXPECT_FALSE(problem.has_value()) << type << ": " << problem.value_or("");
            return frame;
        }
    }
}

std::string StreamFixture::open(Client& c, const json& message) {
    const auto m = parse(message["message"].get<std::string>());
    auto processed = c.group->process(m);
    if (!processed) throw std::runtime_error("process failed");
    const auto* app = std::get_if<mls::ApplicationMessage>(&*processed);
    if (app == nullptr) throw std::runtime_error("not an application message");
    return std::string(app->data.begin(), app->data.end());
}

long long StreamFixture::rows(const std::string& table, const std::string& conversation_id) {
    return count("SELECT count(*) FROM " + table + " WHERE conversation_id = '" + conversation_id +
                 "'");
}

}  // namespace wardline::test
