// SPDX-License-Identifier: Apache-2.0
#include "client-qt/core/group_record.hpp"

#include "client-qt/core/mls_wire.hpp"
#include "common/mls/struct_codec.hpp"

namespace wardline::client {
namespace {

constexpr std::uint8_t kGroupRecordVersion = 1;
constexpr std::uint8_t kKeyPackageSecretsVersion = 1;

QByteArray finish(mls::Writer& w) {
    const mls::Bytes bytes = w.take();
    return to_qbytes(bytes);
}

}  // namespace

QByteArray encode_group_record(const GroupRecord& record) {
    mls::Writer w;
    w.u8(kGroupRecordVersion);
    w.u64(static_cast<std::uint64_t>(record.last_seq));
    if (!w.vector(record.state)) return {};
    return finish(w);
}

std::optional<GroupRecord> decode_group_record(const QByteArray& bytes) {
    const mls::Bytes raw = to_mls_bytes(bytes);
    mls::Reader r(raw);
    const auto version = r.u8();
    if (!version || *version != kGroupRecordVersion) return std::nullopt;
    const auto seq = r.u64();
    if (!seq || *seq > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
    const auto state = r.vector();
    if (!state || state->empty() || !r.expect_end()) return std::nullopt;
    return GroupRecord{static_cast<std::int64_t>(*seq), mls::Bytes(state->begin(), state->end())};
}

QByteArray encode_key_package_secrets(const KeyPackageSecrets& secrets) {
    mls::Writer w;
    w.u8(kKeyPackageSecretsVersion);
    w.u8(secrets.last_resort ? 1 : 0);
    auto key_package = mls::serialize(secrets.key_package);
    if (!key_package || !w.vector(*key_package) || !w.vector(secrets.init_private_key) ||
        !w.vector(secrets.encryption_private_key))
        return {};
    return finish(w);
}

std::optional<KeyPackageSecrets> decode_key_package_secrets(const QByteArray& bytes) {
    const mls::Bytes raw = to_mls_bytes(bytes);
    mls::Reader r(raw);
    const auto version = r.u8();
    if (!version || *version != kKeyPackageSecretsVersion) return std::nullopt;
    const auto last_resort = r.u8();
    if (!last_resort || *last_resort > 1) return std::nullopt;
    const auto key_package = r.vector();
    if (!key_package) return std::nullopt;
    auto kp = mls::deserialize_key_package(*key_package);
    const auto init = r.vector();
    const auto encryption = r.vector();
    if (!kp || !init || !encryption || init->empty() || encryption->empty() || !r.expect_end())
        return std::nullopt;
    KeyPackageSecrets s;
    s.last_resort = *last_resort == 1;
    s.key_package = std::move(*kp);
    s.init_private_key.assign(init->begin(), init->end());
    s.encryption_private_key.assign(encryption->begin(), encryption->end());
    return s;
}

}  // namespace wardline::client
