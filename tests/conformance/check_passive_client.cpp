// SPDX-License-Identifier: Apache-2.0
// passive-client-welcome.json and passive-client-handling-commit.json: a member that never
// sends joins from a Welcome (with the ratchet tree in the GroupInfo or given beside it), then
// processes each epoch's proposals and commit through the public Group API; its epoch
// authenticator must be the one the vector gives after the join and after every commit.
#include "common/mls/group.hpp"
#include "common/mls/struct_codec.hpp"
#include "tests/conformance/conformance.hpp"
#include "tests/unit/mls/mls_vectors.hpp"

namespace wardline::mls::conformance {

namespace {

MLSMessage message_field(const Json& j, std::string_view key) {
    return deserialize_mls_message(hex_field(j, key)).value();
}

void check_passive_client(const Json& v, const CipherSuite* cs, Case& c) {
    const MLSMessage kp_msg = message_field(v, "key_package");
    KeyPackageBundle bundle{std::get<KeyPackage>(kp_msg.body), hex_field(v, "init_priv"),
                            hex_field(v, "encryption_priv"), hex_field(v, "signature_priv")};
    GroupConfig config;
    for (const Json& psk : v.at("external_psks")) {
        config.external_psks.emplace(hex_field(psk, "psk_id"), hex_field(psk, "psk"));
    }
    std::optional<RatchetTree> tree;
    if (!v.at("ratchet_tree").is_null()) {
        tree = deserialize_ratchet_tree(hex_field(v, "ratchet_tree")).value();
    }
    const MLSMessage welcome = message_field(v, "welcome");
    auto joined = Group::join(*cs, std::get<Welcome>(welcome.body), bundle, tree, config);
    if (!joined) {
        c.fail("join refused: " + std::string(to_string(joined.error())));
        return;
    }
    Group group = std::move(*joined);
    c.expect_eq("initial epoch authenticator", group.epoch_authenticator(),
                hex_field(v, "initial_epoch_authenticator"));

    int epoch = 0;
    for (const Json& e : v.at("epochs")) {
        ++epoch;
        const std::string where = "epoch " + std::to_string(epoch);
        for (const Json& p : e.at("proposals")) {
            const MLSMessage proposal =
                deserialize_mls_message(test::from_hex(p.get<std::string>())).value();
            auto stored = group.process(proposal);
            if (!stored || !std::holds_alternative<ProposalStored>(*stored)) {
                c.fail(where + " proposal refused: " +
                       std::string(stored ? "not a proposal" : to_string(stored.error())));
                return;
            }
        }
        auto result = group.process(message_field(e, "commit"));
        if (!result) {
            c.fail(where + " commit refused: " + std::string(to_string(result.error())));
            return;
        }
        c.expect_true(where + " commit gives a new epoch",
                      std::holds_alternative<NewEpoch>(*result));
        c.expect_eq(where + " epoch authenticator", group.epoch_authenticator(),
                    hex_field(e, "epoch_authenticator"));
    }
}

}  // namespace

FileReport check_passive_client_welcome(const Json& file) {
    return run_cases(file, true, check_passive_client);
}

FileReport check_passive_client_handling_commit(const Json& file) {
    return run_cases(file, true, check_passive_client);
}

}  // namespace wardline::mls::conformance
