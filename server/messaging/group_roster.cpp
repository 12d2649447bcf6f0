// SPDX-License-Identifier: Apache-2.0
#include "server/messaging/group_roster.hpp"

#include "common/mls/cipher_suite.hpp"
#include "common/mls/framing.hpp"
#include "common/mls/struct_codec.hpp"
#include "server/delivery/leaf_roster.hpp"
#include "server/messaging/sealed_body.hpp"
#include "server/messaging/stream_sql.hpp"

#include <utility>
#include <variant>

namespace wardline::server::messaging {
namespace {

namespace asio = boost::asio;
using delivery::LeafRoster;
using delivery::RosterLeaf;
using storage::PgParams;

std::optional<mls::PublicMessage> public_message(std::span<const std::uint8_t> bytes) {
    auto message = mls::deserialize_mls_message(mls::ByteView(bytes.data(), bytes.size()));
    if (!message) return std::nullopt;
    auto* pm = std::get_if<mls::PublicMessage>(&message->body);
    if (pm == nullptr) return std::nullopt;
    return std::move(*pm);
}

std::string text_array(const std::vector<std::string>& items) {
    std::string out = "{";
    for (const auto& item : items) out += (out.size() == 1 ? "" : ",") + item;
    return out + "}";
}

}  // namespace

asio::awaitable<Result<std::optional<std::string>>> follow_commit(
    storage::PgLease& lease, const identity::Credentials& keys, std::string conversation_id,
    std::int64_t epoch, Committer committer, std::span<const std::uint8_t> commit,
    std::vector<std::vector<std::uint8_t>> references) {
    const auto message = public_message(commit);
    if (!message) co_return std::optional<std::string>("the commit is not a PublicMessage");

    PgParams get_params{conversation_id};
    auto getting = lease.query(sql::leaves_get(), std::move(get_params));
    auto stored_leaves = co_await std::move(getting);
    if (!stored_leaves) co_return stored_leaves.error();
    std::vector<RosterLeaf> leaves;
    for (int r = 0; r < stored_leaves->rows(); ++r)
        leaves.push_back(RosterLeaf{
            static_cast<std::uint32_t>(stored_leaves->int64(r, 0)),
            DeviceCredentialIds{committer.org_id, std::string(stored_leaves->text_or_throw(r, 1)),
                                std::string(stored_leaves->text_or_throw(r, 2))}});
    auto roster = LeafRoster::from_leaves(leaves);
    if (!roster) co_return std::optional<std::string>("the stored roster is inconsistent");
    const bool external = message->content.sender.sender_type == mls::SenderType::new_member_commit;
    if (leaves.empty() && epoch == 0 && !external)
        roster = LeafRoster::founded_by(
            DeviceCredentialIds{committer.org_id, committer.user_id, committer.device_id});

    delivery::ProposalsByRef proposals;
    if (!references.empty()) {
        std::vector<std::string> refs;
        for (const auto& r : references) refs.push_back(to_hex(r));
        PgParams body_params{conversation_id};
        body_params.integer(epoch).text(text_array(refs));
        auto reading = lease.query(sql::proposal_bodies(), std::move(body_params));
        auto bodies = co_await std::move(reading);
        if (!bodies) co_return bodies.error();
        for (int r = 0; r < bodies->rows(); ++r) {
            const std::int64_t seq = bodies->int64(r, 0);
            const auto sealed = bodies->bytea(r, 1);
            const auto opened = open_body(
                keys,
                std::span(reinterpret_cast<const std::uint8_t*>(sealed.data()), sealed.size()),
                conversation_id, seq);
            if (!opened) co_return std::optional<std::string>("a stored proposal does not open");
            auto proposal = public_message(opened->mls_message);
            if (!proposal || !std::holds_alternative<mls::Proposal>(proposal->content.content))
                co_return std::optional<std::string>("a stored proposal is not one");
            const auto* suite = mls::suite_for(mls::kSuite3);
            auto ref = delivery::proposal_ref(*suite, *proposal);
            if (!ref) co_return std::optional<std::string>("a stored proposal has no reference");
            std::optional<std::uint32_t> sender;
            if (proposal->content.sender.sender_type == mls::SenderType::member)
                sender = proposal->content.sender.leaf_index;
            proposals.emplace(
                std::move(*ref),
                delivery::StoredProposal{
                    std::get<mls::Proposal>(std::move(proposal->content.content)), sender});
        }
    }

    auto applied = roster->apply_commit(*message, proposals);
    if (auto* refusal = std::get_if<std::string>(&applied))
        co_return std::optional<std::string>(std::move(*refusal));

    PgParams clear_params{conversation_id};
    auto clearing = lease.query(sql::leaves_clear(), std::move(clear_params));
    if (auto cleared = co_await std::move(clearing); !cleared) co_return cleared.error();
    std::vector<std::string> indexes, users, devices;
    for (const RosterLeaf& leaf : roster->leaves()) {
        indexes.push_back(std::to_string(leaf.index));
        users.push_back(leaf.device.user_id);
        devices.push_back(leaf.device.device_id);
    }
    PgParams put_params{conversation_id};
    put_params.text(text_array(indexes)).text(text_array(users)).text(text_array(devices));
    auto putting = lease.query(sql::leaves_put(), std::move(put_params));
    if (auto put = co_await std::move(putting); !put) co_return put.error();
    co_return std::optional<std::string>();
}

}  // namespace wardline::server::messaging
