// SPDX-License-Identifier: Apache-2.0
#pragma once
#include "common/core/errc.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace wardline::server {

/// Latency histogram with fixed buckets (seconds), lock-free to observe.
class Histogram {
public:
    static constexpr std::array<double, 12> kBounds{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                    0.05,   0.1,   0.25,   0.5,   1.0,  5.0};
    void observe(std::chrono::nanoseconds d) noexcept;
    /// Appends Prometheus text lines for this histogram with the given label set.
    void render(std::string& out, const std::string& name, const std::string& labels) const;

private:
    std::array<std::atomic<std::uint64_t>, kBounds.size() + 1> buckets_{};
    std::atomic<std::uint64_t> count_{0};
    std::atomic<std::uint64_t> sum_ns_{0};
};

/// Database pool figures, sampled when /metrics is scraped.
struct PoolSample {
    std::size_t size = 0, in_use = 0, idle = 0, connecting = 0;
    std::uint64_t waits = 0, wait_ns = 0, acquire_timeouts = 0;
};

/// Every metric the server exports. Request types are fixed at construction (from the
/// protocol), so observing never allocates or locks. Thread-safe.
class Metrics {
public:
    explicit Metrics(const std::vector<std::string>& request_types);

    void connection_opened() noexcept { open_connections_.fetch_add(1); connections_total_.fetch_add(1); }
    void connection_closed() noexcept { open_connections_.fetch_sub(1); }
    void connection_refused() noexcept { connections_refused_.fetch_add(1); }
    std::int64_t open_connections() const noexcept { return open_connections_.load(); }
    void frame_in() noexcept { frames_in_.fetch_add(1); }
    void frame_out() noexcept { frames_out_.fetch_add(1); }
    void slow_reader_disconnect() noexcept { slow_readers_.fetch_add(1); }
    /// Records one answered request: its type (unknown types count under "unknown"),
    /// latency, and error code if it failed.
    void request_done(const std::string& type, std::chrono::nanoseconds latency,
                      std::optional<Errc> error) noexcept;
    void http_request(const std::string& path) noexcept;

    /// Supplies pool figures at scrape time (set once at start-up).
    void set_pool_sampler(std::function<PoolSample()> sampler) { pool_sampler_ = std::move(sampler); }

    /// Prometheus text exposition format 0.0.4.
    std::string render() const;

private:
    std::atomic<std::int64_t> open_connections_{0};
    std::atomic<std::uint64_t> connections_total_{0}, connections_refused_{0};
    std::atomic<std::uint64_t> frames_in_{0}, frames_out_{0}, slow_readers_{0};
    std::atomic<std::uint64_t> http_healthz_{0}, http_readyz_{0}, http_metrics_{0}, http_other_{0};
    std::map<std::string, std::unique_ptr<Histogram>, std::less<>> latency_;
    std::array<std::atomic<std::uint64_t>, 16> errors_{};
    std::function<PoolSample()> pool_sampler_;
};

}  // namespace wardline::server
