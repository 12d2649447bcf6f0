// SPDX-License-Identifier: Apache-2.0
#include "server/metrics/metrics.hpp"

#include <gtest/gtest.h>

namespace wardline::server {
namespace {

using namespace std::chrono_literals;

bool has(const std::string& text, const std::string& line) {
    return text.find(line + "\n") != std::string::npos;
}

TEST(Metrics, CountsConnectionsFramesAndErrors) {
    Metrics m({"system.ping"});
    m.connection_opened();
    m.connection_opened();
    m.connection_closed();
    m.frame_in();
    m.frame_out();
    m.frame_out();
    m.request_done("system.ping", 3ms, std::nullopt);
    m.request_done("bogus", 1ms, Errc::unknown_type);
    const auto text = m.render();
    EXPECT_TRUE(has(text, "wardline_open_connections 1")) << text;
    EXPECT_TRUE(has(text, "wardline_connections_total 2"));
    EXPECT_TRUE(has(text, "wardline_frames_in_total 1"));
    EXPECT_TRUE(has(text, "wardline_frames_out_total 2"));
    EXPECT_TRUE(has(text, "wardline_request_errors_total{code=\"unknown_type\"} 1"));
    EXPECT_TRUE(has(text, "wardline_request_errors_total{code=\"bad_request\"} 0"));
    EXPECT_TRUE(has(text, "wardline_request_duration_seconds_count{type=\"unknown\"} 1"));
}

TEST(Metrics, HistogramBucketsAreCumulative) {
    Metrics m({"system.ping"});
    m.request_done("system.ping", 200us, std::nullopt);   // <= 0.0005
    m.request_done("system.ping", 3ms, std::nullopt);     // <= 0.005
    m.request_done("system.ping", 10s, std::nullopt);     // +Inf only
    const auto text = m.render();
    EXPECT_TRUE(has(text, R"(wardline_request_duration_seconds_bucket{type="system.ping",le="0.0005"} 1)")) << text;
    EXPECT_TRUE(has(text, R"(wardline_request_duration_seconds_bucket{type="system.ping",le="0.0025"} 1)"));
    EXPECT_TRUE(has(text, R"(wardline_request_duration_seconds_bucket{type="system.ping",le="0.005"} 2)"));
    EXPECT_TRUE(has(text, R"(wardline_request_duration_seconds_bucket{type="system.ping",le="5"} 2)"));
    EXPECT_TRUE(has(text, R"(wardline_request_duration_seconds_bucket{type="system.ping",le="+Inf"} 3)"));
    EXPECT_TRUE(has(text, R"(wardline_request_duration_seconds_count{type="system.ping"} 3)"));
}

TEST(Metrics, PoolSampleIsRenderedWhenSet) {
    Metrics m({});
    EXPECT_EQ(m.render().find("wardline_db_pool"), std::string::npos);
    m.set_pool_sampler([] { return PoolSample{8, 3, 4, 1, 7, 2'000'000'000, 2}; });
    const auto text = m.render();
    EXPECT_TRUE(has(text, "wardline_db_pool_connections{state=\"in_use\"} 3")) << text;
    EXPECT_TRUE(has(text, "wardline_db_pool_connections{state=\"idle\"} 4"));
    EXPECT_TRUE(has(text, "wardline_db_pool_size 8"));
    EXPECT_TRUE(has(text, "wardline_db_pool_wait_seconds_total 2"));
    EXPECT_TRUE(has(text, "wardline_db_pool_acquire_timeouts_total 2"));
}

}  // namespace
}  // namespace wardline::server
