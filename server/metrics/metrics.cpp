// SPDX-License-Identifier: Apache-2.0
#include "server/metrics/metrics.hpp"

#include <cstdio>

namespace wardline::server {
namespace {

constexpr Errc kAllErrors[] = {Errc::bad_request, Errc::unknown_type, Errc::unauthenticated,
                               Errc::forbidden, Errc::not_found, Errc::conflict,
                               Errc::rate_limited, Errc::too_many_in_flight, Errc::unavailable,
                               Errc::shutting_down, Errc::internal};

std::string format_double(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

void line(std::string& out, const std::string& name, const std::string& labels, std::uint64_t v) {
    out += name;
    if (!labels.empty()) out += "{" + labels + "}";
    out += " " + std::to_string(v) + "\n";
}

void header(std::string& out, const char* name, const char* type, const char* help) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

}  // namespace

void Histogram::observe(std::chrono::nanoseconds d) noexcept {
    const double seconds = std::chrono::duration<double>(d).count();
    std::size_t i = 0;
    while (i < kBounds.size() && seconds > kBounds[i]) ++i;
    buckets_[i].fetch_add(1, std::memory_order_relaxed);
    count_.fetch_add(1, std::memory_order_relaxed);
    sum_ns_.fetch_add(static_cast<std::uint64_t>(d.count()), std::memory_order_relaxed);
}

void Histogram::render(std::string& out, const std::string& name, const std::string& labels) const {
    std::uint64_t cumulative = 0;
    const std::string sep = labels.empty() ? "" : ",";
    for (std::size_t i = 0; i < kBounds.size(); ++i) {
        cumulative += buckets_[i].load(std::memory_order_relaxed);
        line(out, name + "_bucket", labels + sep + "le=\"" + format_double(kBounds[i]) + "\"", cumulative);
    }
    cumulative += buckets_[kBounds.size()].load(std::memory_order_relaxed);
    line(out, name + "_bucket", labels + sep + "le=\"+Inf\"", cumulative);
    out += name + "_sum{" + labels + "} " +
           format_double(static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) / 1e9) + "\n";
    line(out, name + "_count", labels, count_.load(std::memory_order_relaxed));
}

Metrics::Metrics(const std::vector<std::string>& request_types) {
    for (const auto& t : request_types) latency_.emplace(t, std::make_unique<Histogram>());
    latency_.emplace("unknown", std::make_unique<Histogram>());
}

void Metrics::request_done(const std::string& type, std::chrono::nanoseconds latency,
                           std::optional<Errc> error) noexcept {
    auto it = latency_.find(type);
    if (it == latency_.end()) it = latency_.find("unknown");
    it->second->observe(latency);
    if (error) {
        const auto i = static_cast<std::size_t>(*error);
        if (i < errors_.size()) errors_[i].fetch_add(1, std::memory_order_relaxed);
    }
}

void Metrics::http_request(const std::string& path) noexcept {
    if (path == "/healthz") http_healthz_.fetch_add(1);
    else if (path == "/readyz") http_readyz_.fetch_add(1);
    else if (path == "/metrics") http_metrics_.fetch_add(1);
    else http_other_.fetch_add(1);
}

std::string Metrics::render() const {
    std::string out;
    out.reserve(8192);
    header(out, "wardline_open_connections", "gauge", "WebSocket and HTTP connections currently open.");
    out += "wardline_open_connections " + std::to_string(open_connections_.load()) + "\n";
    header(out, "wardline_connections_total", "counter", "Connections accepted.");
    line(out, "wardline_connections_total", "", connections_total_.load());
    header(out, "wardline_connections_refused_total", "counter", "Connections closed at once because limits.max_connections was reached.");
    line(out, "wardline_connections_refused_total", "", connections_refused_.load());
    header(out, "wardline_frames_in_total", "counter", "WebSocket messages received.");
    line(out, "wardline_frames_in_total", "", frames_in_.load());
    header(out, "wardline_frames_out_total", "counter", "WebSocket messages sent.");
    line(out, "wardline_frames_out_total", "", frames_out_.load());
    header(out, "wardline_slow_reader_disconnects_total", "counter", "Connections closed because their outgoing queue was full.");
    line(out, "wardline_slow_reader_disconnects_total", "", slow_readers_.load());
    header(out, "wardline_http_requests_total", "counter", "Plain HTTP requests by path.");
    line(out, "wardline_http_requests_total", "path=\"/healthz\"", http_healthz_.load());
    line(out, "wardline_http_requests_total", "path=\"/readyz\"", http_readyz_.load());
    line(out, "wardline_http_requests_total", "path=\"/metrics\"", http_metrics_.load());
    line(out, "wardline_http_requests_total", "path=\"other\"", http_other_.load());
    header(out, "wardline_request_duration_seconds", "histogram", "Time from receiving a request to queuing its response, by request type.");
    for (const auto& [type, histogram] : latency_)
        histogram->render(out, "wardline_request_duration_seconds", "type=\"" + type + "\"");
    header(out, "wardline_request_errors_total", "counter", "Error responses by code.");
    for (const Errc e : kAllErrors)
        line(out, "wardline_request_errors_total", "code=\"" + std::string(to_code(e)) + "\"",
             errors_[static_cast<std::size_t>(e)].load());
    if (pool_sampler_) {
        const PoolSample p = pool_sampler_();
        header(out, "wardline_db_pool_connections", "gauge", "Database pool connections by state.");
        line(out, "wardline_db_pool_connections", "state=\"in_use\"", p.in_use);
        line(out, "wardline_db_pool_connections", "state=\"idle\"", p.idle);
        line(out, "wardline_db_pool_connections", "state=\"connecting\"", p.connecting);
        header(out, "wardline_db_pool_size", "gauge", "Configured database pool size.");
        line(out, "wardline_db_pool_size", "", p.size);
        header(out, "wardline_db_pool_acquire_waits_total", "counter", "Acquires that found no idle connection and had to wait.");
        line(out, "wardline_db_pool_acquire_waits_total", "", p.waits);
        header(out, "wardline_db_pool_wait_seconds_total", "counter", "Total time requests waited for a database connection.");
        out += "wardline_db_pool_wait_seconds_total " + format_double(static_cast<double>(p.wait_ns) / 1e9) + "\n";
        header(out, "wardline_db_pool_acquire_timeouts_total", "counter", "Requests that found no free database connection in time.");
        line(out, "wardline_db_pool_acquire_timeouts_total", "", p.acquire_timeouts);
    }
    return out;
}

}  // namespace wardline::server
