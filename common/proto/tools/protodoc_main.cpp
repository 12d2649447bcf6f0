// SPDX-License-Identifier: Apache-2.0
// wardline-protodoc: renders docs/protocol.md from the protocol schema.
//
//   wardline-protodoc [--schema FILE] [--output FILE | --check FILE]
//
// Reads the schema compiled into the binary unless --schema is given, and writes Markdown to
// stdout, to --output, or compares it byte for byte with --check (exit 1 if they differ).
#include "common/proto/markdown.hpp"
#include "common/proto/protocol.hpp"

#include <exception>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

namespace {

constexpr std::string_view kUsage =
    "usage: wardline-protodoc [--schema FILE] [--output FILE | --check FILE]\n"
    "  --schema FILE  read the protocol schema from FILE (default: the embedded schema)\n"
    "  --output FILE  write the Markdown to FILE (default: stdout)\n"
    "  --check FILE   exit 1 unless FILE equals the Markdown byte for byte\n";

struct Options {
    std::optional<std::string> schema;
    std::optional<std::string> output;
    std::optional<std::string> check;
};

std::optional<std::string> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

/// Parses argv; nullopt (after printing why) on a usage error.
std::optional<Options> parse_args(int argc, char** argv) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        std::optional<std::string>* target = nullptr;
        if (arg == "--schema") target = &options.schema;
        if (arg == "--output") target = &options.output;
        if (arg == "--check") target = &options.check;
        if (target == nullptr || i + 1 == argc || target->has_value()) {
            std::cerr << "wardline-protodoc: bad argument '" << arg << "'\n" << kUsage;
            return std::nullopt;
        }
        *target = argv[++i];
    }
    if (options.output && options.check) {
        std::cerr << "wardline-protodoc: --output and --check exclude each other\n" << kUsage;
        return std::nullopt;
    }
    return options;
}

int check(const std::string& path, const std::string& markdown, const Options& options,
          const char* self) {
    const auto current = read_file(path);
    if (current && *current == markdown) return 0;
    std::cerr << "wardline-protodoc: " << path
              << (current ? " is out of date with the protocol schema." : " could not be read.")
              << "\nRegenerate it with:\n  " << self;
    if (options.schema) std::cerr << " --schema " << *options.schema;
    std::cerr << " --output " << path << "\n"
              << "or, from a configured build directory: ninja update_protocol_doc\n";
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    const auto options = parse_args(argc, argv);
    if (!options) return 2;
    try {
        std::optional<wardline::proto::Protocol> protocol;
        if (options->schema) {
            const auto text = read_file(*options->schema);
            if (!text) {
                std::cerr << "wardline-protodoc: cannot read " << *options->schema << "\n";
                return 1;
            }
            protocol = wardline::proto::Protocol::load(*text);
        } else {
            protocol = wardline::proto::Protocol::load_embedded();
        }
        const auto markdown = wardline::proto::render_markdown(*protocol);
        if (options->check) return check(*options->check, markdown, *options, argv[0]);
        if (!options->output) {
            std::cout << markdown << std::flush;
            return std::cout ? 0 : 1;
        }
        std::ofstream out(*options->output, std::ios::binary | std::ios::trunc);
        out << markdown;
        out.close();
        if (!out) {
            std::cerr << "wardline-protodoc: cannot write " << *options->output << "\n";
            return 1;
        }
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "wardline-protodoc: " << e.what() << "\n";
        return 1;
    }
}
