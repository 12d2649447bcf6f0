// SPDX-License-Identifier: Apache-2.0
// mls-conformance: runs every IETF MLS test-vector file through the library and prints one line
// per file (passed / failed / skipped / not run), then, with --json, a JSON summary.
//
//   mls-conformance [--dir DIR] [--only FILE] [--json FILE|-] [--verbose]
//                   [--expect-unimplemented A,B,...]
//
// The folder is --dir, else $MLS_TEST_VECTORS_DIR, else the repository's tests/data/mls. The
// exit status is 0 only if no supported case failed, every file was found, and the files whose
// checker is not written yet are exactly those named by --expect-unimplemented (so the ctest
// line in CMakeLists.txt is the honest list of what is still missing).
#include "tests/conformance/conformance.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

namespace {

using wardline::mls::conformance::FileReport;
using wardline::mls::conformance::Json;

struct Options {
    std::filesystem::path dir;
    std::string json_out;
    std::string only;
    bool verbose = false;
    std::set<std::string> expect_unimplemented;
};

int usage() {
    std::cerr << "usage: mls-conformance [--dir DIR] [--only FILE] [--json FILE|-] [--verbose] "
                 "[--expect-unimplemented FILE,FILE...]\n";
    return 2;
}

std::set<std::string> split_commas(const std::string& list) {
    std::set<std::string> out;
    std::stringstream in(list);
    for (std::string item; std::getline(in, item, ',');) {
        if (!item.empty()) out.insert(item);
    }
    return out;
}

std::filesystem::path default_dir() {
    if (const char* dir = std::getenv("MLS_TEST_VECTORS_DIR"); dir != nullptr && *dir != '\0') {
        return dir;
    }
    return WARDLINE_MLS_VECTORS_DIR;
}

}  // namespace

int main(int argc, char** argv) {
    Options opt;
    opt.dir = default_dir();
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const bool has_value = i + 1 < argc;
        if (arg == "--dir" && has_value) {
            opt.dir = argv[++i];
        } else if (arg == "--only" && has_value) {
            opt.only = argv[++i];
        } else if (arg == "--json" && has_value) {
            opt.json_out = argv[++i];
        } else if (arg == "--expect-unimplemented" && has_value) {
            opt.expect_unimplemented = split_commas(argv[++i]);
        } else if (arg == "--verbose") {
            opt.verbose = true;
        } else {
            return usage();
        }
    }

    bool ok = true;
    Json summary = {{"vectors_dir", opt.dir.string()}, {"files", Json::array()}};
    std::set<std::string> unimplemented;
    // With --json -, the JSON goes to stdout and the per-file lines to stderr.
    std::ostream& lines = opt.json_out == "-" ? std::cerr : std::cout;
    for (const auto& file : wardline::mls::conformance::vector_files()) {
        const std::string name(file.name);
        if (!opt.only.empty() && name != opt.only) continue;
        Json entry = {{"file", name}};
        char line[160];
        if (!file.run) {
            unimplemented.insert(name);
            entry["status"] = "not_run";
            entry["reason"] = "checker not implemented yet (issue #4)";
            std::snprintf(line, sizeof line, "%-38s not run  (checker not implemented yet)",
                          name.c_str());
            lines << line << '\n';
            summary["files"].push_back(entry);
            continue;
        }
        FileReport report;
        std::ifstream in(opt.dir / name);
        if (!in) {
            report.failed = 1;
            report.failures.push_back("cannot open " + (opt.dir / name).string());
        } else {
            try {
                report = file.run(Json::parse(in));
            } catch (const std::exception& e) {
                report.failed = 1;
                report.failures.push_back(std::string("cannot parse: ") + e.what());
            }
        }
        const char* status = report.failed > 0   ? "failed"
                             : report.passed > 0 ? "passed"
                                                 : "skipped";
        if (report.failed > 0) ok = false;
        std::snprintf(line, sizeof line, "%-38s %-8s %d passed, %d failed, %d skipped",
                      name.c_str(), status, report.passed, report.failed, report.skipped);
        lines << line << '\n';
        for (const auto& [reason, count] : report.skip_reasons) {
            lines << "    skipped " << count << ": " << reason << '\n';
        }
        const std::size_t shown = opt.verbose ? report.failures.size() : 5;
        for (std::size_t i = 0; i < report.failures.size() && i < shown; ++i) {
            lines << "    FAIL " << report.failures[i] << '\n';
        }
        if (report.failures.size() > shown) {
            lines << "    ... " << report.failures.size() - shown << " more (--verbose)\n";
        }
        entry["status"] = status;
        entry["passed"] = report.passed;
        entry["failed"] = report.failed;
        entry["skipped"] = report.skipped;
        entry["skip_reasons"] = report.skip_reasons;
        entry["failures"] = report.failures;
        summary["files"].push_back(entry);
    }
    if (opt.only.empty() && unimplemented != opt.expect_unimplemented) {
        ok = false;
        lines << "the files without a checker differ from --expect-unimplemented; update the "
                 "list in tests/conformance/CMakeLists.txt\n";
    }
    summary["ok"] = ok;
    if (opt.json_out == "-") {
        std::cout << summary.dump(2) << '\n';
    } else if (!opt.json_out.empty()) {
        std::ofstream(opt.json_out) << summary.dump(2) << '\n';
    }
    lines << (ok ? "conformance: OK" : "conformance: FAILED") << '\n';
    return ok ? 0 : 1;
}
