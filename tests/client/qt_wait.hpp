// SPDX-License-Identifier: Apache-2.0
#pragma once
// Runs the Qt event loop until a condition holds (no sleeping in tests).
#include <chrono>
#include <functional>

namespace wardline::test {

/// Processes Qt events until `done()` is true (true) or `timeout` passed (false).
bool qt_wait_for(const std::function<bool()>& done,
                 std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace wardline::test
