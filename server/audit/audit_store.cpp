// SPDX-License-Identifier: Apache-2.0
#include "server/audit/audit_store.hpp"

#include "server/storage/pg_params.hpp"
#include "server/storage/pg_sync.hpp"
#include "server/storage/statements.hpp"

#include <nlohmann/json.hpp>
#include <sodium.h>

#include <chrono>
#include <cstring>
#include <istream>
#include <ostream>

namespace wardline::server::audit {
namespace {

using nlohmann::json;
constexpr int kPage = 1000;

template <std::size_t N>
std::array<std::uint8_t, N> fixed(const std::vector<std::byte>& b) {
    std::array<std::uint8_t, N> out{};
    std::memcpy(out.data(), b.data(), std::min(N, b.size()));
    return out;
}

template <std::size_t N>
bool from_hex(const std::string& hex, std::array<std::uint8_t, N>& out) {
    std::size_t len = 0;
    return hex.size() == 2 * N &&
           sodium_hex2bin(out.data(), N, hex.data(), hex.size(), nullptr, &len, nullptr) == 0 && len == N;
}

}  // namespace

StoredRecord row_to_record(const storage::PgResult& r, int i) {
    StoredRecord s;
    auto& a = s.record;
    a.seq = r.int64(i, 0);
    a.recorded_at_us = r.int64(i, 1);
    a.org_id = std::string(r.text_or_throw(i, 2));
    a.actor_kind = std::string(r.text_or_throw(i, 3));
    a.actor_id = std::string(r.text_or_throw(i, 4));
    a.action = std::string(r.text_or_throw(i, 5));
    a.target_kind = std::string(r.text_or_throw(i, 6));
    a.target_id = std::string(r.text_or_throw(i, 7));
    a.outcome = std::string(r.text_or_throw(i, 8));
    a.severity = std::string(r.text_or_throw(i, 9));
    a.source_address = std::string(r.text_or_throw(i, 10));
    a.details = std::string(r.text_or_throw(i, 11));
    s.prev = fixed<32>(r.bytea(i, 12));
    s.hash = fixed<32>(r.bytea(i, 13));
    return s;
}

std::vector<Checkpoint> checkpoints_from(const storage::PgResult& r) {
    std::vector<Checkpoint> out;
    for (int i = 0; i < r.rows(); ++i)
        out.push_back({r.int64(i, 0), fixed<32>(r.bytea(i, 1)), r.int64(i, 2),
                       std::string(r.text_or_throw(i, 3)), fixed<64>(r.bytea(i, 4))});
    return out;
}

namespace {

std::vector<Checkpoint> load_checkpoints(storage::PgSyncConnection& conn) {
    return checkpoints_from(conn.exec(storage::statement("audit_checkpoints_all").sql));
}

json record_json(const StoredRecord& s) {
    const auto& a = s.record;
    return json{{"type", "record"},       {"seq", a.seq},
                {"recorded_at_us", a.recorded_at_us}, {"org_id", a.org_id},
                {"actor_kind", a.actor_kind}, {"actor_id", a.actor_id},
                {"action", a.action},     {"target_kind", a.target_kind},
                {"target_id", a.target_id}, {"outcome", a.outcome},
                {"severity", a.severity}, {"source_address", a.source_address},
                {"details", a.details},   {"prev_hash", to_hex(s.prev)},
                {"hash", to_hex(s.hash)}};
}

}  // namespace

VerifyResult verify_database(storage::PgSyncConnection& conn, const PublicKey& key) {
    ChainVerifier v(load_checkpoints(conn), key);
    std::int64_t next = 1;
    for (;;) {
        storage::PgParams params;
        params.integer(next).integer(kPage);
        const auto r = conn.exec_params(storage::statement("audit_records_range").sql, params);
        for (int i = 0; i < r.rows(); ++i)
            if (!v.add(row_to_record(r, i))) return v.finish();
        if (r.rows() < kPage) break;
        next = r.int64(r.rows() - 1, 0) + 1;
    }
    return v.finish();
}

std::int64_t checkpoint_now(storage::PgSyncConnection& conn, const SigningKey& key) {
    const auto due = conn.exec(storage::statement("audit_checkpoint_due").sql);
    const std::int64_t last = due.int64(0, 0);
    if (last == 0 || last == due.int64(0, 1)) return last;
    storage::PgParams at;
    at.integer(last);
    const auto rec = conn.exec_params(storage::statement("audit_record_at").sql, at);
    const auto now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::system_clock::now().time_since_epoch()).count();
    const Checkpoint c = key.sign(last, fixed<32>(rec.bytea(0, 0)), now_us);
    storage::PgParams p;
    p.integer(c.seq).binary(std::as_bytes(std::span(c.hash))).integer(c.signed_at_us).text(c.key_id)
        .binary(std::as_bytes(std::span(c.signature)));
    conn.exec_params(storage::statement("audit_checkpoint_insert").sql, p);
    return last;
}

std::int64_t export_range(storage::PgSyncConnection& conn, const std::string& from, const std::string& to,
                          std::ostream& out) {
    const auto checkpoints = load_checkpoints(conn);
    out << json{{"type", "header"}, {"format", "wardline-audit-export-v1"}, {"from", from}, {"to", to}}.dump() << "\n";
    std::int64_t next = 1, count = 0, first = 0, last = 0;
    for (;;) {
        storage::PgParams params{from, to};
        params.integer(next).integer(kPage);
        const auto r = conn.exec_params(storage::statement("audit_records_between").sql, params);
        for (int i = 0; i < r.rows(); ++i) {
            const auto s = row_to_record(r, i);
            if (first == 0) first = s.record.seq;
            last = s.record.seq;
            out << record_json(s).dump() << "\n";
            ++count;
        }
        if (r.rows() < kPage) break;
        next = r.int64(r.rows() - 1, 0) + 1;
    }
    for (const auto& c : checkpoints)
        if (count > 0 && c.seq >= first && c.seq <= last)
            out << json{{"type", "checkpoint"}, {"seq", c.seq}, {"hash", to_hex(c.hash)},
                        {"signed_at_us", c.signed_at_us}, {"key_id", c.key_id},
                        {"signature", to_hex(c.signature)}}.dump()
                << "\n";
    return count;
}

VerifyResult verify_export(std::istream& in, const PublicKey& key) {
    std::vector<StoredRecord> records;
    std::vector<Checkpoint> checkpoints;
    std::string line;
    VerifyResult malformed;
    malformed.ok = false;
    malformed.problem = "the export file is malformed";
    bool header = false;
    try {
        while (std::getline(in, line)) {
            const auto j = json::parse(line);
            const auto type = j.at("type").get<std::string>();
            if (type == "header") {
                header = j.at("format") == "wardline-audit-export-v1";
            } else if (type == "record") {
                StoredRecord s;
                auto& a = s.record;
                a.seq = j.at("seq").get<std::int64_t>();
                a.recorded_at_us = j.at("recorded_at_us").get<std::int64_t>();
                for (auto [field, key_name] : {std::pair{&a.org_id, "org_id"}, {&a.actor_kind, "actor_kind"},
                                               {&a.actor_id, "actor_id"}, {&a.action, "action"},
                                               {&a.target_kind, "target_kind"}, {&a.target_id, "target_id"},
                                               {&a.outcome, "outcome"}, {&a.severity, "severity"},
                                               {&a.source_address, "source_address"}, {&a.details, "details"}})
                    *field = j.at(key_name).get<std::string>();
                if (!from_hex(j.at("prev_hash").get<std::string>(), s.prev) ||
                    !from_hex(j.at("hash").get<std::string>(), s.hash))
                    return malformed;
                records.push_back(std::move(s));
            } else if (type == "checkpoint") {
                Checkpoint c;
                c.seq = j.at("seq").get<std::int64_t>();
                c.signed_at_us = j.at("signed_at_us").get<std::int64_t>();
                c.key_id = j.at("key_id").get<std::string>();
                if (!from_hex(j.at("hash").get<std::string>(), c.hash) ||
                    !from_hex(j.at("signature").get<std::string>(), c.signature))
                    return malformed;
                checkpoints.push_back(std::move(c));
            } else {
                return malformed;
            }
        }
    } catch (const json::exception&) {
        return malformed;
    }
    if (!header) return malformed;
    if (records.empty()) return VerifyResult{};
    ChainVerifier v(std::move(checkpoints), key, records.front().prev, records.front().record.seq);
    for (const auto& r : records)
        if (!v.add(r)) break;
    return v.finish();
}

}  // namespace wardline::server::audit
