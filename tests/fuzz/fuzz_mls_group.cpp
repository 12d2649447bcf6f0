// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for the inputs a Group takes (common/mls/group.hpp): a handshake or
// application message from the network, a Welcome, and a stored state. At start-up a real
// two-member group is made (alice adds bob), and alice produces a genuine commit, application
// message, Welcome and state. The first input byte picks one of them (modulo 5); the rest is an
// XOR mask laid over its bytes from the offset the next two bytes give (selector 4: the input
// itself is the message). Properties:
//   - nothing crashes, and a refusal leaves bob's group usable (it still reads alice);
//   - the genuine bytes (an all-zero mask) are accepted;
//   - altered bytes of a commit, an application message or a Welcome are refused: every byte
//     of them is signed, MACed or encrypted, and each value has one encoding.
#include "common/mls/group.hpp"
#include "common/mls/struct_codec.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>

namespace {

using namespace wardline::mls;  // NOLINT: fuzz target of the whole library

struct Fixture {
    const CipherSuite& cs = *suite_for(kSuite3);
    KeyPackageBundle bob_bundle;
    std::optional<Group> alice;
    std::optional<Group> bob;
    Bytes commit, message, welcome, state;

    static KeyPackageBundle device(const CipherSuite& cs, std::string_view name) {
        Credential credential;
        credential.identity = to_bytes(name);
        return make_key_package(cs, std::move(credential), cs.generate_signature_key_pair(), 0,
                                UINT64_MAX)
            .value();
    }

    Fixture() : bob_bundle(device(cs, "bob")) {
        Group creator = Group::create(cs, to_bytes("fuzz-group"), device(cs, "alice")).value();
        const Proposal add{Add{bob_bundle.key_package}};
        CommitOutput added = creator.commit({&add, 1}).value();
        welcome = serialize(*added.welcome).value();
        bob = Group::join(cs, std::get<Welcome>(added.welcome->body), bob_bundle, std::nullopt)
                  .value();
        alice = std::move(added.next);
        CommitOutput update = alice->commit({}).value();
        commit = serialize(update.commit).value();
        message = serialize(alice->encrypt(to_bytes("bed 4: obs stable")).value()).value();
        state = alice->serialize_state().value();
    }
};

const Fixture& fixture() {
    static const Fixture f;
    return f;
}

// The genuine bytes with `mask` XORed in from `offset`; `changed` tells whether any byte moved.
Bytes masked(const Bytes& genuine, std::size_t offset, ByteView mask, bool& changed) {
    Bytes out = genuine;
    changed = false;
    for (std::size_t i = 0; i < mask.size() && offset + i < out.size(); ++i) {
        out[offset + i] ^= mask[i];
        changed = changed || mask[i] != 0;
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const Fixture& f = fixture();
    if (size < 3) return 0;
    const std::size_t offset = (std::size_t{data[1]} << 8) | data[2];
    const ByteView mask(data + 3, size - 3);
    bool changed = false;
    switch (data[0] % 5) {
        case 0:
        case 1: {
            const Bytes& genuine = data[0] % 5 == 0 ? f.commit : f.message;
            const Bytes input = masked(genuine, offset, mask, changed);
            Group bob = *f.bob;
            const auto message = deserialize_mls_message(input);
            const bool accepted = message && bob.process(*message).has_value();
            if (accepted == changed) __builtin_trap();
            break;
        }
        case 2: {
            const Bytes input = masked(f.welcome, offset, mask, changed);
            const auto message = deserialize_mls_message(input);
            const bool accepted =
                message && message->version == ProtocolVersion::mls10 &&  // the caller's check
                std::holds_alternative<Welcome>(message->body) &&
                Group::join(f.cs, std::get<Welcome>(message->body), f.bob_bundle, std::nullopt)
                    .has_value();
            if (accepted == changed) __builtin_trap();
            break;
        }
        case 3: {
            const Bytes input = masked(f.state, offset, mask, changed);
            const auto restored = Group::restore(input);
            if (!changed && !restored) __builtin_trap();
            break;
        }
        default: {
            Group bob = *f.bob;
            const auto message = deserialize_mls_message({data + 1, size - 1});
            const bool accepted = message && bob.process(*message).has_value();
            // After a refusal bob still reads alice's genuine message.
            const auto genuine = deserialize_mls_message(f.message);
            if (!accepted && (!genuine || !bob.process(*genuine).has_value())) __builtin_trap();
            break;
        }
    }
    return 0;
}
