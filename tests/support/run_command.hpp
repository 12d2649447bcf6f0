// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <string>

namespace wardline::test {

struct CommandResult {
    int status = -1;     ///< exit status, or -1 if it did not exit normally
    std::string output;  ///< stdout and stderr together
};

/// Runs `command` through /bin/sh (stderr merged into stdout) and waits for it.
CommandResult run_command(const std::string& command);

}  // namespace wardline::test
