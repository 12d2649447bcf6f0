// SPDX-License-Identifier: Apache-2.0
#include "server/delivery/leaf_roster.hpp"

#include "common/mls/cipher_suite.hpp"
#include "common/mls/framing.hpp"
#include "common/mls/struct_codec.hpp"

#include <algorithm>
#include <utility>

namespace wardline::server::delivery {
namespace {

std::optional<DeviceCredentialIds> device_of(const mls::LeafNode& leaf) {
    if (leaf.credential.credential_type != mls::CredentialType::basic) return std::nullopt;
    const auto& id = leaf.credential.identity;
    return parse_device_credential_identity(
        std::string_view(reinterpret_cast<const char*>(id.data()), id.size()));
}

/// A proposal of the commit with, for an Update, the leaf of its sender.
struct Applied {
    const mls::Proposal* proposal = nullptr;
    std::optional<std::uint32_t> sender;
};

}  // namespace

LeafRoster LeafRoster::founded_by(DeviceCredentialIds founder) {
    LeafRoster roster;
    roster.slots_.emplace_back(std::move(founder));
    return roster;
}

std::variant<RosterChange, std::string> LeafRoster::apply_commit(const mls::PublicMessage& message,
                                                                 const ProposalsByRef& stored) {
    const auto* commit = std::get_if<mls::Commit>(&message.content.content);
    if (commit == nullptr) return std::string("not a commit");
    const mls::Sender& sender = message.content.sender;
    const bool external = sender.sender_type == mls::SenderType::new_member_commit;
    if (!external && sender.sender_type != mls::SenderType::member)
        return std::string("a commit must come from a member or a joining device");

    std::vector<Applied> proposals;
    proposals.reserve(commit->proposals.size());
    for (const mls::ProposalOrRef& item : commit->proposals) {
        if (const auto* by_value = std::get_if<mls::Proposal>(&item.content)) {
            proposals.push_back(Applied{by_value, sender.leaf_index});
            continue;
        }
        const auto& ref = std::get<mls::ProposalRef>(item.content);
        const auto found = stored.find(ref);
        if (found == stored.end())
            return std::string("the commit names a proposal this epoch does not have");
        proposals.push_back(Applied{&found->second.proposal, found->second.member_sender});
    }

    // Work on a copy, so a refusal leaves the roster as it was.
    auto slots = slots_;
    RosterChange change;
    const auto occupied = [&](std::uint32_t leaf) { return leaf < slots.size() && slots[leaf]; };

    // §12.3: Updates, then Removes, then Adds (GroupContextExtensions and PSKs move no leaf).
    for (const Applied& a : proposals) {
        const auto* update = std::get_if<mls::Update>(&a.proposal->body);
        if (update == nullptr) continue;
        if (!a.sender || !occupied(*a.sender)) return std::string("an Update from a blank leaf");
        if (device_of(update->leaf_node) != slots[*a.sender])
            return std::string("an Update may not move a leaf to another device");
    }
    for (const Applied& a : proposals) {
        const auto* remove = std::get_if<mls::Remove>(&a.proposal->body);
        if (remove == nullptr) continue;
        if (!occupied(remove->removed)) return std::string("a Remove of a blank or unknown leaf");
        change.removed.push_back(RosterLeaf{remove->removed, *slots[remove->removed]});
        slots[remove->removed].reset();
    }
    while (!slots.empty() && !slots.back()) slots.pop_back();

    const auto place = [&](const DeviceCredentialIds& device) -> std::optional<std::string> {
        for (const auto& slot : slots)
            if (slot && slot->device_id == device.device_id)
                return std::string("a device may hold only one leaf of a group");
        const auto blank = std::find_if(slots.begin(), slots.end(),
                                        [](const auto& slot) { return !slot.has_value(); });
        const auto index = static_cast<std::uint32_t>(blank - slots.begin());
        if (blank == slots.end())
            slots.emplace_back(device);
        else
            *blank = device;
        change.added.push_back(RosterLeaf{index, device});
        return std::nullopt;
    };
    for (const Applied& a : proposals) {
        const auto* add = std::get_if<mls::Add>(&a.proposal->body);
        if (add == nullptr) continue;
        const auto device = device_of(add->key_package.leaf_node);
        if (!device)
            return std::string("an Add of a KeyPackage without a Wardline device credential");
        if (auto refused = place(*device)) return *refused;
    }

    if (external) {
        // §12.4.3.2: the joiner's leaf comes in the path and takes the leftmost blank leaf.
        if (!commit->path) return std::string("an external commit without a path");
        const auto device = device_of(commit->path->leaf_node);
        if (!device) return std::string("a joining device without a Wardline device credential");
        if (auto refused = place(*device)) return *refused;
    } else {
        if (!occupied(sender.leaf_index)) return std::string("a commit from a blank leaf");
        if (commit->path && device_of(commit->path->leaf_node) != slots[sender.leaf_index])
            return std::string(
                "a commit's path may not move the committer's leaf to another device");
    }

    slots_ = std::move(slots);
    return change;
}

std::optional<std::uint32_t> LeafRoster::leaf_of(std::string_view device_id) const {
    for (std::size_t i = 0; i < slots_.size(); ++i)
        if (slots_[i] && slots_[i]->device_id == device_id) return static_cast<std::uint32_t>(i);
    return std::nullopt;
}

std::vector<RosterLeaf> LeafRoster::leaves() const {
    std::vector<RosterLeaf> out;
    for (std::size_t i = 0; i < slots_.size(); ++i)
        if (slots_[i]) out.push_back(RosterLeaf{static_cast<std::uint32_t>(i), *slots_[i]});
    return out;
}

// One line per leaf up to the last occupied one: the device's credential identity, or nothing
// for a blank leaf.
std::string LeafRoster::to_text() const {
    std::string out;
    for (const auto& slot : slots_) {
        if (slot) out += device_credential_identity(slot->org_id, slot->user_id, slot->device_id);
        out += '\n';
    }
    return out;
}

std::optional<LeafRoster> LeafRoster::from_text(std::string_view text) {
    LeafRoster roster;
    while (!text.empty()) {
        const auto end = text.find('\n');
        if (end == std::string_view::npos) return std::nullopt;
        const auto line = text.substr(0, end);
        text.remove_prefix(end + 1);
        if (line.empty()) {
            roster.slots_.emplace_back();
            continue;
        }
        auto device = parse_device_credential_identity(line);
        if (!device) return std::nullopt;
        if (roster.leaf_of(device->device_id)) return std::nullopt;
        roster.slots_.emplace_back(std::move(*device));
    }
    if (!roster.slots_.empty() && !roster.slots_.back()) return std::nullopt;
    return roster;
}

std::optional<mls::Bytes> proposal_ref(const mls::CipherSuite& suite,
                                       const mls::PublicMessage& proposal) {
    if (!std::holds_alternative<mls::Proposal>(proposal.content.content)) return std::nullopt;
    const mls::AuthenticatedContent content{mls::WireFormat::public_message, proposal.content,
                                            proposal.auth};
    auto encoded = mls::serialize(content);
    if (!encoded) return std::nullopt;
    auto ref = mls::ref_hash(suite, "MLS 1.0 Proposal Reference", *encoded);
    if (!ref) return std::nullopt;
    return std::move(*ref);
}

}  // namespace wardline::server::delivery
