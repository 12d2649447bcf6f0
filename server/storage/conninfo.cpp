// SPDX-License-Identifier: Apache-2.0
#include "server/storage/conninfo.hpp"

#include <libpq-fe.h>

#include <memory>
#include <stdexcept>

namespace wardline::server::storage {

ConnParams parse_conninfo(std::string_view conninfo) {
    const std::string copy(conninfo);
    char* errmsg = nullptr;
    std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options(
        PQconninfoParse(copy.c_str(), &errmsg), &PQconninfoFree);
    if (errmsg) PQfreemem(errmsg);  // may quote a fragment of the string: not repeated
    if (!options)
        throw std::invalid_argument(
            "database conninfo is not a valid libpq connection string or URI");
    ConnParams out;
    for (auto* opt = options.get(); opt->keyword; ++opt) {
        if (!opt->val) continue;
        const std::string_view keyword = opt->keyword;
        if (keyword == "password")
            throw std::invalid_argument(
                "database conninfo must not contain a password: supply it through the "
                "environment (WARDLINE_DB_PASSWORD) or a password file");
        out.emplace_back(opt->keyword, opt->val);
    }
    return out;
}

ConnArrays make_conn_arrays(const ConnParams& params, const std::string& password) {
    ConnArrays a;
    for (const auto& [k, v] : params) {
        a.keywords.push_back(k.c_str());
        a.values.push_back(v.c_str());
    }
    if (!password.empty()) {
        a.keywords.push_back("password");
        a.values.push_back(password.c_str());
    }
    a.keywords.push_back(nullptr);
    a.values.push_back(nullptr);
    return a;
}

std::string conn_value(const ConnParams& params, std::string_view keyword) {
    for (const auto& [k, v] : params)
        if (k == keyword) return v;
    return {};
}

}  // namespace wardline::server::storage
