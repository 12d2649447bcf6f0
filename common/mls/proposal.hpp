// SPDX-License-Identifier: Apache-2.0
// Proposals and Commit (RFC 9420 §12.1, §12.4) and PreSharedKeyID (§8.4).
#pragma once
#include "common/mls/cipher_suite.hpp"
#include "common/mls/error.hpp"
#include "common/mls/extension.hpp"
#include "common/mls/key_package.hpp"
#include "common/mls/tls_codec.hpp"
#include "common/mls/tree_nodes.hpp"

#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

namespace wardline::mls {

// ---- PreSharedKeyID (RFC 9420 §8.4) ----------------------------------------------------------

/// PSKType, uint8.
enum class PSKType : std::uint8_t { external = 1, resumption = 2 };

/// ResumptionPSKUsage, uint8. Decoding keeps any value (it selects nothing).
enum class ResumptionPSKUsage : std::uint8_t {
    reserved = 0,
    application = 1,
    reinit = 2,
    branch = 3
};

/// struct {
///     PSKType psktype;
///     select (PreSharedKeyID.psktype) {
///         case external:   opaque psk_id<V>;
///         case resumption: ResumptionPSKUsage usage;
///                          opaque psk_group_id<V>;
///                          uint64 psk_epoch;
///     };
///     opaque psk_nonce<V>;
/// } PreSharedKeyID;                                                        (RFC 9420 §8.4)
/// Only the fields psktype selects are encoded.
struct PreSharedKeyID {
    PSKType psktype = PSKType::external;
    Bytes psk_id;                                                ///< external
    ResumptionPSKUsage usage = ResumptionPSKUsage::application;  ///< resumption
    Bytes psk_group_id;                                          ///< resumption
    std::uint64_t psk_epoch = 0;                                 ///< resumption
    Bytes psk_nonce;
    bool operator==(const PreSharedKeyID&) const = default;
};

Result<void> encode(Writer& w, const PreSharedKeyID& v);
Result<PreSharedKeyID> decode_pre_shared_key_id(Reader& r);
Result<PreSharedKeyID> deserialize_pre_shared_key_id(ByteView data);

// ---- Proposal bodies (RFC 9420 §12.1.1 - §12.1.7) --------------------------------------------

/// struct { KeyPackage key_package; } Add;  (§12.1.1)
struct Add {
    KeyPackage key_package;
    bool operator==(const Add&) const = default;
};
/// struct { LeafNode leaf_node; } Update;  (§12.1.2)
struct Update {
    LeafNode leaf_node;
    bool operator==(const Update&) const = default;
};
/// struct { uint32 removed; } Remove;  (§12.1.3)
struct Remove {
    std::uint32_t removed = 0;
    bool operator==(const Remove&) const = default;
};
/// struct { PreSharedKeyID psk; } PreSharedKey;  (§12.1.4)
struct PreSharedKey {
    PreSharedKeyID psk;
    bool operator==(const PreSharedKey&) const = default;
};
/// struct {
///     opaque group_id<V>;
///     ProtocolVersion version;
///     CipherSuite cipher_suite;
///     Extension extensions<V>;
/// } ReInit;                                                                (§12.1.5)
struct ReInit {
    Bytes group_id;
    ProtocolVersion version = ProtocolVersion::mls10;
    std::uint16_t cipher_suite = 0;
    std::vector<Extension> extensions;
    bool operator==(const ReInit&) const = default;
};
/// struct { opaque kem_output<V>; } ExternalInit;  (§12.1.6)
struct ExternalInit {
    Bytes kem_output;
    bool operator==(const ExternalInit&) const = default;
};
/// struct { Extension extensions<V>; } GroupContextExtensions;  (§12.1.7)
struct GroupContextExtensions {
    std::vector<Extension> extensions;
    bool operator==(const GroupContextExtensions&) const = default;
};

Result<void> encode(Writer& w, const Add& v);
Result<Add> decode_add(Reader& r);
Result<Add> deserialize_add(ByteView data);
Result<void> encode(Writer& w, const Update& v);
Result<Update> decode_update(Reader& r);
Result<Update> deserialize_update(ByteView data);
Result<void> encode(Writer& w, const Remove& v);
Result<Remove> decode_remove(Reader& r);
Result<Remove> deserialize_remove(ByteView data);
Result<void> encode(Writer& w, const PreSharedKey& v);
Result<PreSharedKey> decode_pre_shared_key(Reader& r);
Result<PreSharedKey> deserialize_pre_shared_key(ByteView data);
Result<void> encode(Writer& w, const ReInit& v);
Result<ReInit> decode_re_init(Reader& r);
Result<ReInit> deserialize_re_init(ByteView data);
Result<void> encode(Writer& w, const ExternalInit& v);
Result<ExternalInit> decode_external_init(Reader& r);
Result<ExternalInit> deserialize_external_init(ByteView data);
Result<void> encode(Writer& w, const GroupContextExtensions& v);
Result<GroupContextExtensions> decode_group_context_extensions(Reader& r);
Result<GroupContextExtensions> deserialize_group_context_extensions(ByteView data);

// ---- Proposal (RFC 9420 §12.1) ---------------------------------------------------------------

/// ProposalType (§12.1, registry §17.4), uint16. Types beyond RFC 9420's seven have no layout
/// here and are refused (invalid_value).
enum class ProposalType : std::uint16_t {
    add = 1,
    update = 2,
    remove = 3,
    psk = 4,
    reinit = 5,
    external_init = 6,
    group_context_extensions = 7
};

/// struct {
///     ProposalType proposal_type;
///     select (Proposal.proposal_type) { case add: Add; case update: Update; ... };
/// } Proposal;                                                              (RFC 9420 §12.1)
/// The alternatives are in ProposalType order: index + 1 is the type.
struct Proposal {
    std::variant<Add, Update, Remove, PreSharedKey, ReInit, ExternalInit, GroupContextExtensions>
        body;
    [[nodiscard]] ProposalType proposal_type() const noexcept {
        return static_cast<ProposalType>(body.index() + 1);
    }
    bool operator==(const Proposal&) const = default;
};

Result<void> encode(Writer& w, const Proposal& v);
Result<Proposal> decode_proposal(Reader& r);
Result<Proposal> deserialize_proposal(ByteView data);

// ---- Commit (RFC 9420 §12.4) -----------------------------------------------------------------

/// ProposalOrRefType, uint8.
enum class ProposalOrRefType : std::uint8_t { proposal = 1, reference = 2 };

/// struct {
///     ProposalOrRefType type;
///     select (ProposalOrRef.type) {
///         case proposal:  Proposal proposal;
///         case reference: ProposalRef reference;
///     };
/// } ProposalOrRef;                                                         (RFC 9420 §12.4)
struct ProposalOrRef {
    std::variant<Proposal, ProposalRef> content;
    [[nodiscard]] ProposalOrRefType type() const noexcept {
        return content.index() == 0 ? ProposalOrRefType::proposal : ProposalOrRefType::reference;
    }
    bool operator==(const ProposalOrRef&) const = default;
};

Result<void> encode(Writer& w, const ProposalOrRef& v);
Result<ProposalOrRef> decode_proposal_or_ref(Reader& r);
Result<ProposalOrRef> deserialize_proposal_or_ref(ByteView data);

/// struct {
///     ProposalOrRef proposals<V>;
///     optional<UpdatePath> path;
/// } Commit;                                                                (RFC 9420 §12.4)
struct Commit {
    std::vector<ProposalOrRef> proposals;
    std::optional<UpdatePath> path;
    bool operator==(const Commit&) const = default;
};

Result<void> encode(Writer& w, const Commit& v);
Result<Commit> decode_commit(Reader& r);
Result<Commit> deserialize_commit(ByteView data);

}  // namespace wardline::mls
