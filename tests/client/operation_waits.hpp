// SPDX-License-Identifier: Apache-2.0
#pragma once
// Waiting in client tests for what the engine and the recorder do asynchronously: an operation
// run to its end, and an installation that others may add to a group (its engine started and
// its KeyPackages on the server). A group made before that does not add the device: it joins
// by external commit soon after, but cannot read what was sent before it joined, which tests
// that send at once would then miss.
#include "client-qt/core/engine_messages.hpp"
#include "client-qt/core/group_engine.hpp"
#include "tests/client/qt_wait.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <optional>

namespace wardline::test {

using OperationDone = std::function<void(const client::OperationResult&)>;

/// Starts `op` with a completion and waits for it; a test failure if it never finishes.
inline client::OperationResult finish_operation(
    const std::function<void(OperationDone)>& op,
    std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    std::optional<client::OperationResult> result;
    op([&](const client::OperationResult& r) { result = r; });
    EXPECT_TRUE(qt_wait_for([&] { return result.has_value(); }, timeout))
        << "the operation did not finish";
    return result.value_or(client::OperationResult{});
}

/// The engine has started and has uploaded its KeyPackages, so another member may add it with
/// a Welcome (and it reads the first message sent after the group was made).
inline bool ready_for_peers(client::GroupEngine& engine) {
    auto& stock = engine.key_package_stock();
    return engine.started() && stock.checks() > 0 && !stock.busy();
}

}  // namespace wardline::test
