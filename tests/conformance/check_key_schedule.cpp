// SPDX-License-Identifier: Apache-2.0
// secret-tree.json (§9, §6.3.2), key-schedule.json (§8, §8.5) and psk_secret.json (§8.4).
#include "common/mls/key_schedule.hpp"
#include "common/mls/secret_tree.hpp"
#include "common/mls/tls_codec.hpp"
#include "tests/conformance/conformance.hpp"

namespace wardline::mls::conformance {

FileReport check_secret_tree(const Json& file) {
    return run_cases(file, true, [](const Json& v, const CipherSuite* cs, Case& c) {
        const Json& sd = v.at("sender_data");
        const RatchetKey sender =
            sender_data_key(*cs, hex_field(sd, "sender_data_secret"), hex_field(sd, "ciphertext"))
                .value();
        c.expect_eq("sender data key", sender.key, hex_field(sd, "key"));
        c.expect_eq("sender data nonce", sender.nonce, hex_field(sd, "nonce"));

        const Json& leaves = v.at("leaves");
        const auto n = tree_math::LeafCount::make(static_cast<std::uint32_t>(leaves.size()));
        SecretTree tree = SecretTree::create(*cs, hex_field(v, "encryption_secret"), *n).value();
        for (std::uint32_t leaf = 0; leaf < leaves.size(); ++leaf) {
            for (const Json& g : leaves[leaf]) {
                const auto generation = g.at("generation").get<std::uint32_t>();
                const std::string where =
                    "leaf " + std::to_string(leaf) + " generation " + std::to_string(generation);
                for (const auto kind : {RatchetKind::handshake, RatchetKind::application}) {
                    const std::string prefix =
                        kind == RatchetKind::handshake ? "handshake" : "application";
                    HashRatchet* ratchet = tree.ratchet(tree_math::LeafIndex{leaf}, kind).value();
                    const RatchetKey k = ratchet->get(generation).value();
                    c.expect_eq(where + " " + prefix + "_key", k.key,
                                hex_field(g, prefix + "_key"));
                    c.expect_eq(where + " " + prefix + "_nonce", k.nonce,
                                hex_field(g, prefix + "_nonce"));
                }
            }
        }
    });
}

namespace {

// GroupContext (§8.1) with no extensions, as key-schedule.json builds it for each epoch.
Bytes group_context(std::uint16_t suite, ByteView group_id, std::uint64_t epoch, ByteView tree_hash,
                    ByteView confirmed_transcript_hash) {
    Writer w;
    w.u16(1);  // mls10
    w.u16(suite);
    (void)w.vector(group_id);
    w.u64(epoch);
    (void)w.vector(tree_hash);
    (void)w.vector(confirmed_transcript_hash);
    (void)w.vector({});  // extensions
    return w.take();
}

}  // namespace

FileReport check_key_schedule(const Json& file) {
    return run_cases(file, true, [](const Json& v, const CipherSuite* cs, Case& c) {
        const Bytes group_id = hex_field(v, "group_id");
        Bytes init_secret = hex_field(v, "initial_init_secret");
        std::uint64_t epoch = 0;
        for (const Json& e : v.at("epochs")) {
            const std::string at = "epoch " + std::to_string(epoch) + " ";
            const Bytes context =
                group_context(cs->id(), group_id, epoch, hex_field(e, "tree_hash"),
                              hex_field(e, "confirmed_transcript_hash"));
            c.expect_eq(at + "group_context", context, hex_field(e, "group_context"));
            const EpochSecrets s =
                derive_epoch_secrets(*cs, init_secret, hex_field(e, "commit_secret"),
                                     hex_field(e, "psk_secret"), context)
                    .value();
            const std::pair<const char*, const Bytes*> fields[] = {
                {"joiner_secret", &s.joiner_secret},
                {"welcome_secret", &s.welcome_secret},
                {"init_secret", &s.init_secret},
                {"sender_data_secret", &s.sender_data_secret},
                {"encryption_secret", &s.encryption_secret},
                {"exporter_secret", &s.exporter_secret},
                {"epoch_authenticator", &s.epoch_authenticator},
                {"external_secret", &s.external_secret},
                {"confirmation_key", &s.confirmation_key},
                {"membership_key", &s.membership_key},
                {"resumption_psk", &s.resumption_psk},
            };
            for (const auto& [name, value] : fields)
                c.expect_eq(at + name, *value, hex_field(e, name));
            c.expect_eq(at + "welcome_secret (joiner side)",
                        welcome_secret(*cs, s.joiner_secret, hex_field(e, "psk_secret")).value(),
                        hex_field(e, "welcome_secret"));
            c.expect_eq(at + "external_pub",
                        external_key_pair(*cs, s.external_secret).value().public_key,
                        hex_field(e, "external_pub"));
            const Json& x = e.at("exporter");
            // The vector's label is used as it is written, hex digits and all.
            const std::string label = x.at("label").get<std::string>();
            c.expect_eq(at + "exporter",
                        mls_export(*cs, s.exporter_secret, label, hex_field(x, "context"),
                                   x.at("length").get<std::uint16_t>())
                            .value(),
                        hex_field(x, "secret"));
            init_secret = s.init_secret;
            ++epoch;
        }
    });
}

FileReport check_psk_secret(const Json& file) {
    return run_cases(file, true, [](const Json& v, const CipherSuite* cs, Case& c) {
        // Each psk is external: PreSharedKeyID {psktype external(1), psk_id<V>, psk_nonce<V>}.
        std::vector<Bytes> ids;
        std::vector<Bytes> keys;
        for (const Json& p : v.at("psks")) {
            Writer id;
            id.u8(1);
            (void)id.vector(hex_field(p, "psk_id"));
            (void)id.vector(hex_field(p, "psk_nonce"));
            ids.push_back(id.take());
            keys.push_back(hex_field(p, "psk"));
        }
        std::vector<PskInput> inputs;
        for (std::size_t i = 0; i < ids.size(); ++i) inputs.push_back({ids[i], keys[i]});
        c.expect_eq("psk_secret", psk_secret(*cs, inputs).value(), hex_field(v, "psk_secret"));
    });
}

}  // namespace wardline::mls::conformance
