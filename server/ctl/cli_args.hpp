// SPDX-License-Identifier: Apache-2.0
#pragma once
// Tiny argument reader for wardlinectl subcommands: "--key value" pairs and positionals.
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace wardline::server::ctl {

class CliArgs {
public:
    explicit CliArgs(const std::vector<std::string>& args) {
        for (std::size_t i = 0; i < args.size(); ++i) {
            if (args[i].rfind("--", 0) == 0 && i + 1 < args.size() && args[i + 1].rfind("--", 0) != 0)
                pairs_.emplace_back(args[i], args[i + 1]), ++i;
            else if (args[i].rfind("--", 0) == 0)
                pairs_.emplace_back(args[i], std::nullopt);
            else
                positional_.push_back(args[i]);
        }
    }
    std::optional<std::string> value(const std::string& key) const {
        for (const auto& [k, v] : pairs_)
            if (k == key) return v;
        return std::nullopt;
    }
    bool flag(const std::string& key) const {
        return std::any_of(pairs_.begin(), pairs_.end(), [&](const auto& p) { return p.first == key; });
    }
    /// True if any flag names a password but is not a *-file flag (secrets on the command
    /// line are readable by every local user through /proc).
    bool has_plain_password_flag() const {
        return std::any_of(pairs_.begin(), pairs_.end(), [](const auto& p) {
            return p.first.find("password") != std::string::npos &&
                   p.first.size() > 5 && p.first.compare(p.first.size() - 5, 5, "-file") != 0;
        });
    }
    std::string positional(std::size_t i) const { return i < positional_.size() ? positional_[i] : ""; }

private:
    std::vector<std::pair<std::string, std::optional<std::string>>> pairs_;
    std::vector<std::string> positional_;
};

/// A secret from FILE_FLAG's file (first line) or the environment variable ENV; empty if
/// neither is given. Never from a plain command-line value.
inline std::optional<std::string> password_from(const CliArgs& a, const std::string& file_flag,
                                                const char* env, std::ostream& err) {
    if (const auto file = a.value(file_flag)) {
        std::ifstream in(*file);
        std::string line;
        if (!in || !std::getline(in, line)) {
            err << "cannot read " << file_flag << "\n";
            return std::nullopt;
        }
        return line;
    }
    if (const char* v = std::getenv(env)) return std::string(v);
    return std::string();
}

}  // namespace wardline::server::ctl
