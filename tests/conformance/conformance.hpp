// SPDX-License-Identifier: Apache-2.0
// The MLS conformance runner's checks (issue #4): one checker per IETF vector file
// (tests/data/mls, format in test-vectors.md of mlswg/mls-implementations). A checker runs each
// case of its file through the library and records it as passed, failed (with what differed)
// or skipped (with why: a cipher suite Wardline does not implement).
#pragma once
#include "common/mls/bytes.hpp"
#include "common/mls/cipher_suite.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace wardline::mls::conformance {

using Json = nlohmann::json;

/// The record of one case. Checks add failures; a case with none has passed.
class Case {
public:
    explicit Case(std::string name) : name_(std::move(name)) {}

    /// Records a failure unless got == want; `what` names the value ("epoch 3 joiner_secret").
    void expect_eq(std::string_view what, ByteView got, ByteView want);
    void expect_true(std::string_view what, bool condition);
    void fail(std::string what) { failures_.push_back(std::move(what)); }

    [[nodiscard]] const std::string& name() const noexcept { return name_; }
    [[nodiscard]] const std::vector<std::string>& failures() const noexcept { return failures_; }

private:
    std::string name_;
    std::vector<std::string> failures_;
};

/// What a file's cases came to.
struct FileReport {
    int passed = 0;
    int failed = 0;
    int skipped = 0;
    std::map<std::string, int> skip_reasons;  ///< reason -> number of cases
    std::vector<std::string> failures;        ///< "case name: what differed"
};

/// Checks one case; throwing (a missing field, value() of a failed Result) fails the case with
/// the exception's message.
using CaseCheck = std::function<void(const Json& vector, const CipherSuite* suite, Case& c)>;

/// Runs `check` over every case of a file. With `per_suite`, a case names a cipher_suite:
/// unsupported suites are skipped with their reason and `check` gets the suite; otherwise the
/// cases are suite-independent and `check` gets nullptr.
FileReport run_cases(const Json& file, bool per_suite, const CaseCheck& check);

/// A vector file and the checker that runs it.
struct VectorFile {
    std::string_view name;
    std::function<FileReport(const Json&)> run;
};

/// Every vector file the runner knows, in the order it reports them. Files whose checker is not
/// written yet have an empty `run`.
const std::vector<VectorFile>& vector_files();

// The checkers, one per file (check_<file>.cpp).
FileReport check_tree_math(const Json& file);
FileReport check_deserialization(const Json& file);
FileReport check_crypto_basics(const Json& file);
FileReport check_secret_tree(const Json& file);
FileReport check_key_schedule(const Json& file);
FileReport check_psk_secret(const Json& file);
FileReport check_tree_validation(const Json& file);
FileReport check_tree_operations(const Json& file);
FileReport check_treekem(const Json& file);
FileReport check_message_protection(const Json& file);
FileReport check_messages(const Json& file);
FileReport check_transcript_hashes(const Json& file);
FileReport check_welcome(const Json& file);
FileReport check_passive_client_welcome(const Json& file);
FileReport check_passive_client_handling_commit(const Json& file);

/// Hex of a JSON string field.
Bytes hex_field(const Json& j, std::string_view key);
std::string hex(ByteView bytes);

}  // namespace wardline::mls::conformance
