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

}  // namespace
}  // namespace wardline::server::identity
