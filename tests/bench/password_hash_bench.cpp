// SPDX-License-Identifier: Apache-2.0
// Time per Argon2id hash and verification with the server's parameters (docs/security.md).
// Usage: password_hash_bench [ROUNDS]. Prints medians; run on an idle machine.
#include "server/identity/credentials.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace {

double median_ms(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    using namespace wardline::server::identity;
    const int rounds = argc > 1 ? std::max(1, std::atoi(argv[1])) : 11;
    const auto keyring = (std::filesystem::temp_directory_path() / "wardline-bench.keyring").string();
    std::filesystem::remove(keyring);
    add_keyring_key(keyring);
    struct Params {
        const char* name;
        unsigned long long ops;
        std::size_t kib;
    };
    for (const Params p : {Params{"default (t=2, m=64 MiB)", 2, 65536}, Params{"OWASP minimum (t=2, m=19 MiB)", 2, 19456}}) {
        const Credentials c(keyring, p.ops, p.kib * 1024, "bench");
        std::vector<double> hash_ms, verify_ms;
        std::string hash;
        for (int i = 0; i < rounds; ++i) {
            auto t0 = std::chrono::steady_clock::now();
            hash = c.hash_password("correct horse battery staple");
            auto t1 = std::chrono::steady_clock::now();
            (void)c.verify_password("correct horse battery staple", hash);
            auto t2 = std::chrono::steady_clock::now();
            hash_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
            verify_ms.push_back(std::chrono::duration<double, std::milli>(t2 - t1).count());
        }
        std::printf("%-32s hash median %.1f ms, verify median %.1f ms (%d rounds)\n", p.name, median_ms(hash_ms),
                    median_ms(verify_ms), rounds);
    }
    std::filesystem::remove(keyring);
    return 0;
}
