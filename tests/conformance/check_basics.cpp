// SPDX-License-Identifier: Apache-2.0
// tree-math.json (Appendix C), deserialization.json (§2.1.2 varint headers) and
// crypto-basics.json (§5.1, §5.2, §8, §9: the labelled functions, signatures, HPKE).
#include "common/mls/hpke.hpp"
#include "common/mls/tls_codec.hpp"
#include "common/mls/tree_math.hpp"
#include "tests/conformance/conformance.hpp"

namespace wardline::mls::conformance {

namespace tm = tree_math;

FileReport check_tree_math(const Json& file) {
    return run_cases(file, false, [](const Json& v, const CipherSuite*, Case& c) {
        const auto n = tm::LeafCount::make(v.at("n_leaves").get<std::uint32_t>()).value();
        const auto n_nodes = v.at("n_nodes").get<std::uint32_t>();
        c.expect_true("n_nodes", tm::node_width(n) == n_nodes);
        c.expect_true("root", tm::root(n) == tm::NodeIndex{v.at("root").get<std::uint32_t>()});
        const auto expected = [](const Json& x) -> std::optional<tm::NodeIndex> {
            if (x.is_null()) return std::nullopt;
            return tm::NodeIndex{x.get<std::uint32_t>()};
        };
        using Relative = std::optional<tm::NodeIndex> (*)(tm::NodeIndex, tm::LeafCount);
        const std::pair<const char*, Relative> relatives[] = {{"left", tm::left},
                                                              {"right", tm::right},
                                                              {"parent", tm::parent},
                                                              {"sibling", tm::sibling}};
        for (const auto& [field, fn] : relatives) {
            const Json& column = v.at(field);
            c.expect_true(std::string(field) + " has n_nodes entries", column.size() == n_nodes);
            for (std::uint32_t x = 0; x < n_nodes && x < column.size(); ++x) {
                if (fn(tm::NodeIndex{x}, n) != expected(column.at(x))) {
                    c.fail(std::string(field) + " of node " + std::to_string(x));
                }
            }
        }
    });
}

FileReport check_deserialization(const Json& file) {
    return run_cases(file, false, [](const Json& v, const CipherSuite*, Case& c) {
        const Bytes header = hex_field(v, "vlbytes_header");
        const auto length = v.at("length").get<std::uint32_t>();
        Reader reader(header);
        const auto decoded = reader.varint();
        c.expect_true("header decodes", decoded && *decoded == length && reader.at_end());
        Writer writer;
        c.expect_true("length encodes", writer.varint(length).has_value());
        c.expect_eq("re-encoded header", writer.data(), header);
        // The header in front of a body of that length reads as a vector; one byte less is
        // refused. (The 1 GiB case is left to the codec's unit tests.)
        if (length == 0 || length > 65536) return;
        Bytes bytes = header;
        bytes.resize(header.size() + length, 0x5a);
        Reader full(bytes);
        const auto body = full.vector();
        c.expect_true("body reads", body && body->size() == length && full.at_end());
        bytes.pop_back();
        Reader cut(bytes);
        const auto refused = cut.vector();
        c.expect_true("short body refused", !refused && refused.error() == Error::length_too_large);
    });
}

FileReport check_crypto_basics(const Json& file) {
    return run_cases(file, true, [](const Json& v, const CipherSuite* cs, Case& c) {
        const auto str = [](const Json& j, const char* key) {
            return j.at(key).get<std::string>();
        };
        const Json& rh = v.at("ref_hash");
        c.expect_eq("ref_hash", ref_hash(*cs, str(rh, "label"), hex_field(rh, "value")).value(),
                    hex_field(rh, "out"));

        const Json& ewl = v.at("expand_with_label");
        c.expect_eq(
            "expand_with_label",
            expand_with_label(*cs, hex_field(ewl, "secret"), str(ewl, "label"),
                              hex_field(ewl, "context"), ewl.at("length").get<std::uint16_t>())
                .value(),
            hex_field(ewl, "out"));

        const Json& ds = v.at("derive_secret");
        c.expect_eq("derive_secret",
                    derive_secret(*cs, hex_field(ds, "secret"), str(ds, "label")).value(),
                    hex_field(ds, "out"));

        const Json& dts = v.at("derive_tree_secret");
        c.expect_eq("derive_tree_secret",
                    derive_tree_secret(*cs, hex_field(dts, "secret"), str(dts, "label"),
                                       dts.at("generation").get<std::uint32_t>(),
                                       dts.at("length").get<std::uint16_t>())
                        .value(),
                    hex_field(dts, "out"));

        const Json& swl = v.at("sign_with_label");
        const Bytes pub = hex_field(swl, "pub");
        const Bytes content = hex_field(swl, "content");
        const Bytes signature = hex_field(swl, "signature");
        c.expect_true("sign_with_label verifies",
                      verify_with_label(*cs, pub, str(swl, "label"), content, signature));
        // Ed25519 is deterministic: our signature must be the vector's.
        c.expect_eq(
            "sign_with_label",
            sign_with_label(*cs, hex_field(swl, "priv"), str(swl, "label"), content).value(),
            signature);
        c.expect_eq("signature public key",
                    cs->signature_public_key(hex_field(swl, "priv")).value(), pub);

        // HPKE is randomised: decrypt the vector's ciphertext, and check our own round trip.
        const Json& enc = v.at("encrypt_with_label");
        const Bytes priv = hex_field(enc, "priv");
        const Bytes context = hex_field(enc, "context");
        const Bytes plaintext = hex_field(enc, "plaintext");
        const HPKECiphertext ct{hex_field(enc, "kem_output"), hex_field(enc, "ciphertext")};
        c.expect_eq("hpke public key", cs->kem().public_key_of(priv).value(),
                    hex_field(enc, "pub"));
        c.expect_eq("decrypt_with_label",
                    decrypt_with_label(*cs, priv, str(enc, "label"), context, ct).value(),
                    plaintext);
        const HPKECiphertext ours =
            encrypt_with_label(*cs, hex_field(enc, "pub"), str(enc, "label"), context, plaintext)
                .value();
        c.expect_eq("encrypt_with_label round trip",
                    decrypt_with_label(*cs, priv, str(enc, "label"), context, ours).value(),
                    plaintext);
    });
}

}  // namespace wardline::mls::conformance
