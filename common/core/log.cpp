// SPDX-License-Identifier: Apache-2.0
#include "common/core/log.hpp"

#include <spdlog/sinks/stdout_sinks.h>

#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

namespace wardline::log {
namespace {

std::shared_ptr<spdlog::logger> make(const char* name) {
    static std::mutex mutex;
    std::lock_guard lock(mutex);
    if (auto existing = spdlog::get(name)) return existing;
    static auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    auto logger = std::make_shared<spdlog::logger>(name, sink);
    logger->set_level(spdlog::level::info);
    spdlog::register_logger(logger);
    return logger;
}

spdlog::logger& named(const char* name) {
    // Each accessor caches its logger; spdlog's registry keeps it alive.
    return *make(name);
}

}  // namespace

void configure(std::string_view level, Format format) {
    const auto lvl = spdlog::level::from_str(std::string(level));
    if (lvl == spdlog::level::off && level != "off")
        throw std::invalid_argument("unknown log level (use trace, debug, info, warn, error, critical, off)");
    for (const char* name : {"net", "db", "app", "auth", "audit"}) make(name);
    spdlog::set_level(lvl);
    if (format == Format::json) {
        // One JSON object per line. Messages are built from ids and codes only, so they
        // contain no characters that need escaping beyond what %v already carries.
        spdlog::set_pattern(
            R"({"ts":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","logger":"%n","thread":%t,"msg":"%v"})",
            spdlog::pattern_time_type::utc);
    } else {
        spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%-5l%$ [%n] %v", spdlog::pattern_time_type::utc);
    }
}

spdlog::logger& net() { static auto& l = named("net"); return l; }
spdlog::logger& db() { static auto& l = named("db"); return l; }
spdlog::logger& app() { static auto& l = named("app"); return l; }
spdlog::logger& auth() { static auto& l = named("auth"); return l; }
spdlog::logger& audit() { static auto& l = named("audit"); return l; }

}  // namespace wardline::log
