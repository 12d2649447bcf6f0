// SPDX-License-Identifier: Apache-2.0
#pragma once
// The Delivery Service's view of which device holds each leaf of a conversation's MLS group.
//
// The server holds no group secrets, but handshake messages travel as PublicMessage, so it can
// follow the membership from the commits it orders: an Add takes the leftmost blank leaf or
// extends the tree, a Remove blanks a leaf and trailing blank leaves are truncated, an external
// commit places its joiner like an Add (RFC 9420 §12.1.1, §12.3, §7.7-7.8). Knowing the leaf
// of a device is what lets the server, as external sender, propose the Remove of a revoked
// device or of a user taken out of the conversation (docs/e2ee.md, "Delivery Service").
//
// Every leaf must carry a Wardline device credential (common/core/device_credential.hpp); a
// commit that adds anything else does not fit the roster.
#include "common/core/device_credential.hpp"
#include "common/mls/bytes.hpp"
#include "common/mls/proposal.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace wardline::mls {
struct PublicMessage;
class CipherSuite;
}  // namespace wardline::mls

namespace wardline::server::delivery {

/// A leaf and the device in it.
struct RosterLeaf {
    std::uint32_t index = 0;
    DeviceCredentialIds device;
    bool operator==(const RosterLeaf&) const = default;
};

/// What one commit changed.
struct RosterChange {
    std::vector<RosterLeaf> added;    ///< Adds and an external joiner, in the order applied
    std::vector<RosterLeaf> removed;  ///< the devices that were in the removed leaves
};

/// A proposal of the current epoch that the server stored earlier.
struct StoredProposal {
    mls::Proposal proposal;
    std::optional<std::uint32_t> member_sender;  ///< the proposer's leaf; none for external
};
/// The current epoch's stored proposals, by ProposalRef.
using ProposalsByRef = std::map<mls::Bytes, StoredProposal>;

class LeafRoster {
public:
    /// A group its creator's device has just made: that device alone, in leaf 0.
    static LeafRoster founded_by(DeviceCredentialIds founder);

    /// Applies a commit the server is about to accept (its epoch already checked). The
    /// commit's proposals by reference are looked up in `stored`. Returns what changed, or why
    /// the commit does not fit (an unknown reference, the Remove of a blank or out-of-range
    /// leaf, a credential that is not a Wardline device, a device that would sit in two
    /// leaves). On refusal the roster is unchanged.
    std::variant<RosterChange, std::string> apply_commit(const mls::PublicMessage& commit,
                                                         const ProposalsByRef& stored);

    /// The leaf of a device, if it is in the group.
    std::optional<std::uint32_t> leaf_of(std::string_view device_id) const;
    /// Every occupied leaf, in index order.
    std::vector<RosterLeaf> leaves() const;
    /// Leaves up to the last occupied one, blank ones included.
    std::uint32_t width() const noexcept { return static_cast<std::uint32_t>(slots_.size()); }

    /// A compact text form for a database column; from_text() refuses anything else.
    std::string to_text() const;
    static std::optional<LeafRoster> from_text(std::string_view text);

    bool operator==(const LeafRoster&) const = default;

private:
    std::vector<std::optional<DeviceCredentialIds>> slots_;
};

/// The ProposalRef of a proposal sent as a PublicMessage (RFC 9420 §5.2: RefHash("MLS 1.0
/// Proposal Reference", AuthenticatedContent)); nullopt if it is not a proposal.
std::optional<mls::Bytes> proposal_ref(const mls::CipherSuite& suite,
                                       const mls::PublicMessage& proposal);

}  // namespace wardline::server::delivery
