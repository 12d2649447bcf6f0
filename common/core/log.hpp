// SPDX-License-Identifier: Apache-2.0
#pragma once
// Named loggers per subsystem (after Nheko's nhlog::). Never log secrets, message
// content or patient data: log ids, codes and statement names only.
#include <spdlog/spdlog.h>

#include <string_view>

namespace wardline::log {

enum class Format { human, json };

/// Configures every named logger: level ("trace".."off") and format. Call once at start-up
/// before other threads run; later calls reconfigure. Unknown levels throw std::invalid_argument.
void configure(std::string_view level, Format format);

spdlog::logger& net();    ///< connections, TLS, WebSocket, HTTP
spdlog::logger& db();     ///< PostgreSQL pool, statements (names only), migrations
spdlog::logger& app();    ///< start-up, configuration, shutdown
spdlog::logger& auth();   ///< authentication and authorization decisions
spdlog::logger& audit();  ///< audit trail writer

}  // namespace wardline::log
