// SPDX-License-Identifier: Apache-2.0
#pragma once
// Private state of Protocol, shared by protocol.cpp (loading) and request_decoder.cpp.
#include "common/proto/protocol.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <map>

namespace wardline::proto {

struct Protocol::Impl {
    std::string source;       ///< the schema text as given to load()
    nlohmann::json document;  ///< never modified after load; the specs point into it
    int version = 0;
    std::map<std::string, RequestSpec, std::less<>> requests;
    std::map<std::string, EventSpec, std::less<>> events;
    std::vector<std::string> error_codes;
    std::map<std::string, std::int64_t, std::less<>> limits;
};

}  // namespace wardline::proto
