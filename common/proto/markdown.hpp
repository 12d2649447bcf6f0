// SPDX-License-Identifier: Apache-2.0
#pragma once
// Renders docs/protocol.md from the protocol schema.
#include <string>

namespace wardline::proto {

class Protocol;

/// The protocol reference in Markdown: transport, envelope, every request and event with
/// field tables (type, required, limits, description), error codes, close codes and limits.
/// Deterministic: the same schema always gives the same bytes, so a test can compare the output
/// with the committed docs/protocol.md.
std::string render_markdown(const Protocol& protocol);

}  // namespace wardline::proto
