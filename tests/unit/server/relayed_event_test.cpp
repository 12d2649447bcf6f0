// SPDX-License-Identifier: Apache-2.0
// The NOTIFY payloads of the event relay between server processes
// (server/identity/relayed_event.hpp): what is encoded decodes to the same events, and every
// malformed payload is refused whole.
#include "server/identity/relayed_event.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace wardline::server::identity {
namespace {

using Kind = RelayedEvent::Kind;
constexpr const char* kUser = "0b7c1a52-5a0e-4d2e-9a57-3c1f9a4e2b10";
constexpr const char* kDevice = "5d7e6f10-1111-4c2e-8a57-3c1f9a4e2b11";

RelayedEvent notify_user_event() {
    RelayedEvent e;
    e.kind = Kind::notify_user;
    e.target = kUser;
    e.event = "conversation.member_added";
    e.body = nlohmann::json{{"conversation_id", "c"}, {"user_ids", {"a", "b"}}};
    e.except = kDevice;
    return e;
}

RelayedEvent end_user_event() {
    RelayedEvent e;
    e.kind = Kind::end_user;
    e.target = kUser;
    e.reason = EndReason::user_suspended;
    return e;
}

std::string payload_of(const std::vector<RelayedEvent>& events) {
    std::vector<std::string> encoded;
    for (const auto& e : events) encoded.push_back(encode_relay_event(e));
    return relay_payload("00ff12ab", encoded);
}

TEST(RelayedEvent, EveryKindRoundTrips) {
    std::vector<RelayedEvent> events{notify_user_event(), end_user_event()};
    RelayedEvent device;
    device.kind = Kind::notify_device;
    device.target = kDevice;
    device.event = "key_packages.low";
    device.body = nlohmann::json{{"available", 2}};
    events.push_back(device);
    for (const auto kind : {Kind::end_device, Kind::end_session}) {
        RelayedEvent e;
        e.kind = kind;
        e.target = kDevice;
        e.reason = EndReason::device_revoked;
        events.push_back(e);
    }
    RelayedEvent except_session = end_user_event();
    except_session.reason = EndReason::password_changed;
    except_session.except = kDevice;
    events.push_back(except_session);

    const auto decoded = decode_relay_payload(payload_of(events));
    ASSERT_TRUE(decoded);
    EXPECT_EQ(decoded->node, "00ff12ab");
    EXPECT_FALSE(decoded->stored_id);
    EXPECT_EQ(decoded->events, events);
}

TEST(RelayedEvent, ReferenceToAStoredBatchDecodes) {
    const auto decoded = decode_relay_payload(relay_reference("abc", 42));
    ASSERT_TRUE(decoded);
    EXPECT_EQ(decoded->node, "abc");
    EXPECT_EQ(decoded->stored_id, 42);
    EXPECT_TRUE(decoded->events.empty());
}

TEST(RelayedEvent, EndReasonsAreKnownByName) {
    EXPECT_EQ(end_reason_from("user_suspended"), EndReason::user_suspended);
    EXPECT_EQ(end_reason_from("credentials_reset"), EndReason::credentials_reset);
    EXPECT_FALSE(end_reason_from(""));
    EXPECT_FALSE(end_reason_from("USER_SUSPENDED"));
}

TEST(RelayedEvent, InvalidUtf8InABodyIsReplacedNotThrown) {
    RelayedEvent e = notify_user_event();
    e.body = nlohmann::json{{"title", std::string("a\xff\xfe")}};
    const auto decoded = decode_relay_payload(payload_of({e}));
    ASSERT_TRUE(decoded);
    ASSERT_EQ(decoded->events.size(), 1u);
    EXPECT_NE(decoded->events[0].body["title"].get<std::string>(), "a\xff\xfe");
}

TEST(RelayedEvent, MalformedPayloadsAreRefused) {
    const std::string good_event = encode_relay_event(notify_user_event());
    const std::vector<std::string> bad{
        "",
        "junk",
        "v1",
        "v1 ",
        "v1 00ff",
        "v1 00ff ",
        "v2 00ff [" + good_event + "]",
        "v1 00FF [" + good_event + "]",                               // upper-case node
        "v1 0123456789abcdef0123456789abcdef0 [" + good_event + "]",  // node too long
        "v1 00ff  [" + good_event + "]",
        "v1 00ff [" + good_event + "] trailing",
        "v1 00ff [" + good_event,
        "v1 00ff []",
        "v1 00ff {}",
        "v1 00ff [1]",
        "v1 00ff [null]",
        "v1 00ff @",
        "v1 00ff @0",
        "v1 00ff @-1",
        "v1 00ff @012",
        "v1 00ff @12x",
        "v1 00ff @99999999999999999999999",
        "v1 00ff [" + std::string(40, '[') + std::string(40, ']') + "]",
        R"(v1 00ff [{"k":"notify_user","t":"u","e":"x","b":[]}])",         // body not object
        R"(v1 00ff [{"k":"notify_user","t":"u","b":{}}])",                 // no event
        R"(v1 00ff [{"k":"notify_user","t":"u","e":"Bad Name","b":{}}])",  // event name
        R"(v1 00ff [{"k":"notify_user","t":"","e":"x","b":{}}])",          // empty target
        R"(v1 00ff [{"k":"notify_user","t":"a b","e":"x","b":{}}])",       // target chars
        R"(v1 00ff [{"k":"notify_user","t":"u","e":"x","b":{},"z":1}])",   // unknown key
        R"(v1 00ff [{"k":"notify_user","t":"u","e":"x","b":{},"r":"logout"}])",
        R"(v1 00ff [{"k":"notify_device","t":"d","e":"x","b":{},"x":"d2"}])",
        R"(v1 00ff [{"k":"shout","t":"u","e":"x","b":{}}])",
        R"(v1 00ff [{"k":"end_user","t":"u"}])",              // no reason
        R"(v1 00ff [{"k":"end_user","t":"u","r":"bored"}])",  // unknown reason
        R"(v1 00ff [{"k":"end_session","t":"s","r":"logout","x":"s2"}])",
        R"(v1 00ff [{"k":1,"t":"u","r":"logout"}])",
        "v1 00ff [" + good_event + "," + "{\"k\":\"end_user\"}]",  // one bad event spoils all
        "v1 00ff [" + std::string(identity::kMaxNotifyPayload, ' ') + good_event + "]",
    };
    for (const auto& payload : bad)
        EXPECT_FALSE(decode_relay_payload(payload)) << payload.substr(0, 200);
}

TEST(RelayedEvent, StoredBatchesAreBoundedLikePayloads) {
    EXPECT_FALSE(decode_relay_events(""));
    EXPECT_FALSE(decode_relay_events("[]"));
    std::string many = "[";
    for (std::size_t i = 0; i <= kMaxRelayBatch; ++i)
        many += (i ? "," : "") + encode_relay_event(end_user_event());
    many += "]";
    EXPECT_FALSE(decode_relay_events(many));
    const std::string big_title(20000, 'x');
    RelayedEvent e = notify_user_event();
    e.body["title"] = big_title;
    const auto decoded = decode_relay_events("[" + encode_relay_event(e) + "]");
    ASSERT_TRUE(decoded);
    EXPECT_EQ(decoded->at(0).body["title"], big_title);
}

// The registry's side: every notify_* / end_* is handed to the relay after it applied here;
// notify_user_here and apply_remote are not, so nothing echoes between processes.
TEST(SessionRegistryRelay, PublicCallsAreRelayedAndRemoteOnesAreAppliedWithoutRelaying) {
    SessionRegistry registry;
    std::vector<RelayedEvent> relayed;
    registry.set_relay([&](const RelayedEvent& e) { relayed.push_back(e); });
    std::vector<std::string> got;
    std::vector<std::string> ended;
    registry.bind(
        "s1", kUser, "d1", [&](const std::string& s, EndReason) { ended.push_back(s); },
        [&](const std::string& event, const nlohmann::json&) { got.push_back("d1 " + event); });
    registry.bind(
        "s2", kUser, "d2", [&](const std::string& s, EndReason) { ended.push_back(s); },
        [&](const std::string& event, const nlohmann::json&) { got.push_back("d2 " + event); });

    EXPECT_EQ(registry.notify_user(kUser, "typing", {{"a", 1}}, "d1"), 1u);
    EXPECT_EQ(got, std::vector<std::string>{"d2 typing"});
    ASSERT_EQ(relayed.size(), 1u);
    EXPECT_EQ(relayed[0].kind, Kind::notify_user);
    EXPECT_EQ(relayed[0].except, "d1");
    EXPECT_EQ(relayed[0].body, (nlohmann::json{{"a", 1}}));

    EXPECT_EQ(registry.notify_user_here(kUser, "message.new", {}), 2u);
    EXPECT_EQ(relayed.size(), 1u) << "message.new crosses by the stream's own NOTIFY";

    // What another process relayed: applied here, with its except, and not relayed again.
    got.clear();
    RelayedEvent remote = relayed[0];
    remote.except = "d2";
    EXPECT_EQ(registry.apply_remote(remote), 1u);
    EXPECT_EQ(got, std::vector<std::string>{"d1 typing"});
    RelayedEvent end;
    end.kind = Kind::end_user;
    end.target = kUser;
    end.reason = EndReason::user_suspended;
    end.except = "s1";
    EXPECT_EQ(registry.apply_remote(end), 1u);
    EXPECT_EQ(ended, std::vector<std::string>{"s2"});
    EXPECT_EQ(relayed.size(), 1u);

    EXPECT_EQ(registry.end_device("d1", EndReason::device_revoked), 1u);
    ASSERT_EQ(relayed.size(), 2u);
    EXPECT_EQ(relayed[1].kind, Kind::end_device);
    EXPECT_EQ(relayed[1].reason, EndReason::device_revoked);
    // Relayed even when nothing here was bound: the session may live on another process.
    EXPECT_EQ(registry.end_session("s9", EndReason::logout), 0u);
    ASSERT_EQ(relayed.size(), 3u);
    EXPECT_EQ(relayed[2].target, "s9");
    EXPECT_EQ(registry.size(), 0u);
}

}  // namespace
}  // namespace wardline::server::identity
