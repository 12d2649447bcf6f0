// SPDX-License-Identifier: Apache-2.0
// Whole MLS commits and application messages through the public Group API (issue #4):
// groups of 2, 10, 100 and 1,000 members; a member commits an update (a commit with an
// UpdatePath and no proposals) and another member processes it; then application messages of
// 200 bytes and 4 KiB are encrypted by one member and decrypted by another.
// The group is made by its creator adding everyone in commits of up to 100 KeyPackages; the
// receiver joins from the last Welcome. Only the creator commits, so its copath resolutions
// hold the unmerged new members: the committer's time is that of a freshly built group (the
// worst case); the receiver's work does not depend on it (it decrypts one path secret).
// Medians of ROUNDS runs. Usage: group_bench [ROUNDS]. Build with the `bench` preset.
#include "common/mls/group.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {

using namespace wardline::mls;  // NOLINT: benchmark of the whole library
using Clock = std::chrono::steady_clock;

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

double ms_since(Clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

KeyPackageBundle device(const CipherSuite& cs, std::uint32_t i) {
    Credential credential;
    credential.identity = to_bytes("member-" + std::to_string(i));
    return make_key_package(cs, std::move(credential), cs.generate_signature_key_pair(), 0,
                            UINT64_MAX)
        .value();
}

void run(const CipherSuite& cs, std::uint32_t n, int rounds) {
    Group creator = Group::create(cs, to_bytes("bench-group"), device(cs, 0)).value();
    std::optional<Group> receiver;
    for (std::uint32_t added = 1; added < n;) {
        const std::uint32_t batch = std::min<std::uint32_t>(100, n - added);
        std::vector<KeyPackageBundle> bundles;
        std::vector<Proposal> adds;
        for (std::uint32_t i = 0; i < batch; ++i) {
            bundles.push_back(device(cs, added + i));
            adds.push_back(Proposal{Add{bundles.back().key_package}});
        }
        CommitOutput out = creator.commit(adds).value();
        creator = std::move(out.next);
        added += batch;
        if (added == n) {
            receiver = Group::join(cs, std::get<Welcome>(out.welcome->body), bundles.back(),
                                   std::nullopt)
                           .value();
        }
    }

    std::vector<double> commit_ms, process_ms;
    for (int r = 0; r < rounds && receiver; ++r) {
        auto t0 = Clock::now();
        CommitOutput out = creator.commit({}).value();
        commit_ms.push_back(ms_since(t0));
        t0 = Clock::now();
        const Processed processed = receiver->process(out.commit).value();
        process_ms.push_back(ms_since(t0));
        if (!std::holds_alternative<NewEpoch>(processed) ||
            out.next.epoch_authenticator() != receiver->epoch_authenticator()) {
            std::fprintf(stderr, "members disagree after a commit\n");
            std::exit(1);
        }
        creator = std::move(out.next);
    }
    std::printf("suite %u  %5u members  commit median %8.2f ms   process median %8.2f ms\n",
                cs.id(), n, median(commit_ms), median(process_ms));

    if (!receiver) return;
    for (const std::size_t size : {std::size_t{200}, std::size_t{4096}}) {
        const Bytes payload(size, 0x42);
        constexpr int kBatch = 2000;
        std::vector<double> encrypt_rate, decrypt_rate;
        for (int r = 0; r < std::max(3, rounds / 2); ++r) {
            std::vector<MLSMessage> sent;
            sent.reserve(kBatch);
            auto t0 = Clock::now();
            for (int i = 0; i < kBatch; ++i) sent.push_back(creator.encrypt(payload).value());
            encrypt_rate.push_back(kBatch / (ms_since(t0) / 1000.0));
            t0 = Clock::now();
            for (const MLSMessage& m : sent) (void)receiver->process(m).value();
            decrypt_rate.push_back(kBatch / (ms_since(t0) / 1000.0));
        }
        std::printf("suite %u  %5u members  %4zu-byte messages: encrypt median %8.0f /s   "
                    "decrypt median %8.0f /s\n",
                    cs.id(), n, size, median(encrypt_rate), median(decrypt_rate));
    }
}

}  // namespace

int main(int argc, char** argv) {
    const int rounds = argc > 1 ? std::max(1, std::atoi(argv[1])) : 11;
    for (const std::uint16_t suite : {kSuite3, kSuite1}) {
        for (const std::uint32_t n : {2u, 10u, 100u, 1000u}) run(*suite_for(suite), n, rounds);
    }
    return 0;
}
