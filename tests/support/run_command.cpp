// SPDX-License-Identifier: Apache-2.0
#include "tests/support/run_command.hpp"

#include <sys/wait.h>

#include <array>
#include <cstdio>

namespace wardline::test {

CommandResult run_command(const std::string& command) {
    FILE* p = ::popen((command + " 2>&1").c_str(), "r");
    if (!p) return {};
    CommandResult r;
    std::array<char, 4096> buf{};
    while (std::fgets(buf.data(), static_cast<int>(buf.size()), p)) r.output += buf.data();
    const int rc = ::pclose(p);
    r.status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    return r;
}

}  // namespace wardline::test
