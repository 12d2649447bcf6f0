// SPDX-License-Identifier: Apache-2.0
#include "tests/conformance/conformance.hpp"

#include "tests/unit/mls/mls_vectors.hpp"

#include <exception>
#include <set>

namespace wardline::mls::conformance {

void Case::expect_eq(std::string_view what, ByteView got, ByteView want) {
    if (got.size() == want.size() && std::equal(got.begin(), got.end(), want.begin())) return;
    fail(std::string(what) + ": got " + hex(got) + ", want " + hex(want));
}

void Case::expect_true(std::string_view what, bool condition) {
    if (!condition) fail(std::string(what));
}

FileReport run_cases(const Json& file, bool per_suite, const CaseCheck& check) {
    FileReport report;
    if (!file.is_array()) {
        report.failed = 1;
        report.failures.emplace_back("the file is not a JSON array of cases");
        return report;
    }
    std::set<int> unsupported;
    for (std::size_t i = 0; i < file.size(); ++i) {
        const Json& vector = file[i];
        std::string name = "case " + std::to_string(i);
        const CipherSuite* suite = nullptr;
        if (per_suite) {
            const auto id = vector.value("cipher_suite", 0);
            name += " (suite " + std::to_string(id) + ")";
            suite = suite_for(static_cast<std::uint16_t>(id));
            if (suite == nullptr) {
                ++report.skipped;
                unsupported.insert(id);
                continue;
            }
        }
        Case c(name);
        try {
            check(vector, suite, c);
        } catch (const std::exception& e) {
            c.fail(std::string("exception: ") + e.what());
        }
        if (c.failures().empty()) {
            ++report.passed;
        } else {
            ++report.failed;
            for (const auto& f : c.failures()) report.failures.push_back(c.name() + ": " + f);
        }
    }
    if (!unsupported.empty()) {
        std::string reason = "cipher suites";
        for (const int id : unsupported) {
            reason += (id == *unsupported.begin() ? " " : ", ") + std::to_string(id);
        }
        report.skip_reasons[reason + " not implemented (Wardline implements 1 and 3)"] =
            report.skipped;
    }
    return report;
}

const std::vector<VectorFile>& vector_files() {
    static const std::vector<VectorFile> files = {
        {"tree-math.json", check_tree_math},
        {"deserialization.json", check_deserialization},
        {"crypto-basics.json", check_crypto_basics},
        {"secret-tree.json", check_secret_tree},
        {"key-schedule.json", check_key_schedule},
        {"psk_secret.json", check_psk_secret},
        {"messages.json", check_messages},
        {"message-protection.json", check_message_protection},
        {"transcript-hashes.json", check_transcript_hashes},
        {"welcome.json", check_welcome},
        {"tree-validation.json", check_tree_validation},
        {"tree-operations.json", check_tree_operations},
        {"treekem.json", check_treekem},
        {"passive-client-welcome.json", check_passive_client_welcome},
        {"passive-client-handling-commit.json", check_passive_client_handling_commit},
    };
    return files;
}

Bytes hex_field(const Json& j, std::string_view key) {
    return test::from_hex(j.at(std::string(key)).get<std::string>());
}

std::string hex(ByteView bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const std::uint8_t b : bytes) {
        out.push_back(kDigits[b >> 4]);
        out.push_back(kDigits[b & 0x0f]);
    }
    return out;
}

}  // namespace wardline::mls::conformance
