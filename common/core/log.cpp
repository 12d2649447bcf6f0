// SPDX-License-Identifier: Apache-2.0
#include "common/core/log.hpp"

#include <spdlog/pattern_formatter.h>
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

/// %* in a pattern: the message, escaped for a JSON string (quotes, backslashes, control
/// characters), so every line of log.format=json parses whatever a message contains.
class JsonEscapedMessage final : public spdlog::custom_flag_formatter {
public:
    void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
        static constexpr char kHex[] = "0123456789abcdef";
        for (const char c : msg.payload) {
            const auto u = static_cast<unsigned char>(c);
            if (c == '"' || c == '\\') {
                dest.push_back('\\');
                dest.push_back(c);
            } else if (u < 0x20) {
                const char esc[] = {'\\', 'u', '0', '0', kHex[u >> 4], kHex[u & 15]};
                dest.append(esc, esc + sizeof esc);
            } else {
                dest.push_back(c);
            }
        }
    }
    std::unique_ptr<custom_flag_formatter> clone() const override {
        return std::make_unique<JsonEscapedMessage>();
    }
};

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
        // One JSON object per line.
        auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
        formatter->add_flag<JsonEscapedMessage>('*').set_pattern(
            R"({"ts":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","logger":"%n","thread":%t,"msg":"%*"})");
        spdlog::set_formatter(std::move(formatter));
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
