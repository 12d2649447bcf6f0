// SPDX-License-Identifier: Apache-2.0
#include "server/storage/statements.hpp"

#include <stdexcept>
#include <string>
#include <vector>

namespace wardline::server::storage {
namespace {

std::vector<Statement> build_registry() {
    std::vector<Statement> out;
    for (const auto& file : embedded::storage_sql()) {
        std::string_view name = file.name;
        if (name.ends_with(".sql")) name.remove_suffix(4);
        for (const auto& existing : out)
            if (existing.name == name)
                throw std::logic_error("duplicate statement name in server/storage/sql: " +
                                       std::string(name));
        out.push_back(Statement{name, file.contents});
    }
    return out;
}

}  // namespace

std::span<const Statement> all_statements() {
    static const std::vector<Statement> registry = build_registry();
    return registry;
}

Statement statement(std::string_view name) {
    for (const auto& s : all_statements())
        if (s.name == name) return s;
    throw std::logic_error("unknown statement: " + std::string(name));
}

namespace sql {
Statement select_one() { static const Statement s = statement("select_one"); return s; }
Statement schema_version() { static const Statement s = statement("schema_version"); return s; }
Statement tx_begin() { static const Statement s = statement("tx_begin"); return s; }
Statement tx_commit() { static const Statement s = statement("tx_commit"); return s; }
Statement tx_rollback() { static const Statement s = statement("tx_rollback"); return s; }
}  // namespace sql

}  // namespace wardline::server::storage
