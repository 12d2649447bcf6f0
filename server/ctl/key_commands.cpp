// SPDX-License-Identifier: Apache-2.0
// wardlinectl keys: rotation of the sealing keyring and the re-seal of the rows sealed under
// older keys. The database is reached as --database-url says: the owner role, which owns every
// sealed table (the runtime role may not update break_glass_grants, for one). Nothing here
// prints key material, plaintext or sealed bytes: only ids and counts.
#include "server/ctl/key_commands.hpp"

#include "server/conversations/patient_identifiers.hpp"
#include "server/ctl/cli_args.hpp"
#include "server/ctl/db_connect.hpp"
#include "server/identity/audit_bridge.hpp"
#include "server/identity/credentials.hpp"
#include "server/identity/sealing_ad.hpp"
#include "server/storage/pg_sync.hpp"
#include "server/storage/statements.hpp"

#include <sodium.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <thread>

namespace wardline::server::ctl {
namespace {

constexpr const char* kUsage =
    "usage: wardlinectl keys create --out FILE\n"
    "       wardlinectl keys rotate --file FILE\n"
    "       wardlinectl keys status --file FILE --database-url CONNINFO\n"
    "       wardlinectl keys reseal --file FILE [--batch N] --database-url CONNINFO\n"
    "       wardlinectl keys retire --file FILE --key-id ID --database-url CONNINFO\n"
    "       wardlinectl keys shred --file FILE --keep-days N [--batch N] --database-url "
    "CONNINFO\n"
    "       wardlinectl keys rotate-blind-index --blind-index-file FILE\n"
    "       wardlinectl keys reindex --file FILE --blind-index-file FILE [--batch N] "
    "--database-url CONNINFO\n"
    "--file is the sealing keyring (identity.sealing_keyring_file), --blind-index-file the MRN\n"
    "blind index keys (identity.blind_index_key_file). `keyring create|rotate` are\n"
    "the older names of `keys create|rotate`.\n";

constexpr long kDefaultBatch = 500;
constexpr long kMaxBatch = 10000;
/// A pass re-seals what it can lock; rows the server held are taken by the next pass.
constexpr int kMaxPasses = 5;
/// keys reseal and keys reindex: a pass that could take nothing new while rows remain (the
/// server held them: a conversation's row is locked by every message sent to it) waits a little
/// longer each
/// time, so that the row is taken between two of the server's transactions; after this many
/// such passes it gives up and says what remains.
constexpr int kMaxIdlePasses = 10;
constexpr std::chrono::milliseconds kIdlePassWait{100};

/// Every sealed column: how to find its rows in batches, how to write them back, and the
/// associated data it was sealed under (identity::ad, shared with the services).
struct SealedColumn {
    const char* label;   ///< table.column, as status prints it
    const char* batch;   ///< statement: k1, k2, sealed, x1, x2 after a cursor
    const char* update;  ///< statement: keys and new values as arrays
    bool two_keys;       ///< messages: (conversation_id, seq)
    bool base64;         ///< break_glass_grants.reason is base64 text
    const char* start;   ///< the cursor before the first key
    std::function<std::string(const std::string& k1, const std::string& k2, const std::string& x1,
                              const std::string& x2)>
        ad;
};

constexpr const char* kNilUuid = "00000000-0000-0000-0000-000000000000";

std::vector<SealedColumn> sealed_columns() {
    namespace ad = identity::ad;
    using S = const std::string&;
    return {
        {"users.totp_secret_sealed", "keys_batch_totp_secret", "keys_update_totp_secret", false,
         false, kNilUuid, [](S k1, S, S, S) { return ad::totp(k1); }},
        {"users.totp_pending_sealed", "keys_batch_totp_pending", "keys_update_totp_pending", false,
         false, kNilUuid, [](S k1, S, S, S) { return ad::totp(k1); }},
        {"conversations.title_sealed", "keys_batch_title", "keys_update_title", false, false,
         kNilUuid, [](S k1, S, S, S) { return ad::conversation(k1, "title"); }},
        {"conversations.topic_sealed", "keys_batch_topic", "keys_update_topic", false, false,
         kNilUuid, [](S k1, S, S, S) { return ad::conversation(k1, "topic"); }},
        {"conversations.patient_sealed", "keys_batch_patient", "keys_update_patient", false, false,
         kNilUuid, [](S k1, S, S, S) { return ad::conversation(k1, "patient"); }},
        {"break_glass_grants.reason", "keys_batch_bg_reason", "keys_update_bg_reason", false, true,
         kNilUuid, [](S k1, S, S, S) { return ad::conversation(k1, "break_glass_reason"); }},
        {"messages.body_sealed", "keys_batch_message", "keys_update_message", true, false, kNilUuid,
         [](S k1, S k2, S, S) { return ad::message(k1, std::stoll(k2)); }},
        {"welcomes.welcome_sealed", "keys_batch_welcome", "keys_update_welcome", false, false, "0",
         [](S, S, S x1, S x2) {
             // x2 is "DEVICE COMMIT_SEQ".
             const auto space = x2.find(' ');
             return ad::welcome(x1, x2.substr(0, space), std::stoll(x2.substr(space + 1)));
         }},
        {"group_infos.group_info_sealed", "keys_batch_group_info", "keys_update_group_info", false,
         false, kNilUuid, [](S k1, S, S, S) { return ad::group_info(k1); }},
    };
}

/// A PostgreSQL array literal of `items` (uuids, digits, hex and base64 need no escaping
/// beyond the quotes).
std::string array_literal(const std::vector<std::string>& items) {
    std::string out = "{";
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i) out += ',';
        out += '"';
        out += items[i];
        out += '"';
    }
    out += '}';
    return out;
}

std::string hex(std::span<const std::uint8_t> bytes) {
    std::string out(bytes.size() * 2 + 1, '\0');
    sodium_bin2hex(out.data(), out.size(), bytes.data(), bytes.size());
    out.pop_back();
    return out;
}

std::string base64(std::span<const std::uint8_t> bytes) {
    std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(),
                      sodium_base64_VARIANT_ORIGINAL);
    out.pop_back();
    return out;
}

storage::PgResult exec(storage::PgSyncConnection& conn, const char* name,
                       const storage::PgParams& params) {
    return conn.exec_params(storage::statement(name).sql, params);
}

/// The keyring, loaded and checked as the server loads it; nullopt (and a message naming
/// the problem, never key material) if it cannot be used.
std::optional<identity::Credentials> load_keyring(const std::string& file, std::ostream& err) {
    try {
        return std::make_optional<identity::Credentials>(file, 2, 19456u * 1024u, "Wardline");
    } catch (const std::exception& e) {
        err << "keys: " << e.what() << "\n";
        return std::nullopt;
    }
}

/// --batch N: 1 to kMaxBatch, digits only; nullopt (and a message) otherwise.
std::optional<long> batch_size(const CliArgs& a, std::ostream& err) {
    if (!a.flag("--batch")) return kDefaultBatch;
    const auto text = a.value("--batch");
    const bool digits =
        text && !text->empty() && text->size() <= 6 &&
        std::all_of(text->begin(), text->end(), [](char c) { return c >= '0' && c <= '9'; });
    const long n = digits ? std::stol(*text) : 0;
    if (n < 1 || n > kMaxBatch) {
        err << "keys: --batch must be a whole number from 1 to " << kMaxBatch << "\n";
        return std::nullopt;
    }
    return n;
}

void report_sql_error(const storage::PgSyncError& e, std::ostream& err) {
    err << "keys: database error (SQLSTATE " << (e.sqlstate().empty() ? "none" : e.sqlstate())
        << ")\n";
}

/// Rows per (column, key id), from keys_status.
using Counts = std::map<std::string, std::map<std::int64_t, std::int64_t>>;

Counts status_counts(storage::PgSyncConnection& conn) {
    const auto r = conn.exec_params(storage::statement("keys_status").sql, storage::PgParams{});
    Counts counts;
    for (int i = 0; i < r.rows(); ++i)
        counts[std::string(r.text_or_throw(i, 0))][r.is_null(i, 1) ? 0 : r.int64(i, 1)] =
            r.int64(i, 2);
    return counts;
}

int keys_create_or_rotate(bool create, const std::string& path, std::ostream& out,
                          std::ostream& err) {
    std::error_code ec;
    const bool exists = std::filesystem::exists(path, ec);
    if (create && exists) {
        err << "keys create: " << path << " exists; use keys rotate to add a key\n";
        return 3;
    }
    if (!create && !exists) {
        err << "keys rotate: " << path << " does not exist\n";
        return 3;
    }
    try {
        const auto id = identity::add_keyring_key(path);
        if (create)
            out << "created " << path << " (key 1)\n";
        else
            out << "added key " << id << " to " << path
                << "; it seals from now on. Send SIGHUP to every wardline-server process (or "
                   "`systemctl reload wardline-server`) so that they seal with it, then run "
                   "`wardlinectl keys reseal`.\n";
        return 0;
    } catch (const std::exception& e) {
        err << "keys " << (create ? "create" : "rotate") << ": " << e.what() << "\n";
        return 1;
    }
}

int keys_status(const CliArgs& a, const std::string& file, std::ostream& out, std::ostream& err) {
    const auto keyring = load_keyring(file, err);
    if (!keyring) return 1;
    auto conn = connect_owner(a, err);
    if (!conn) return 1;
    const auto ids = keyring->key_ids();
    const auto newest = keyring->sealing_key_id();
    try {
        const Counts counts = status_counts(*conn);
        out << "keyring " << file << ": keys";
        for (const auto id : ids) out << ' ' << id;
        out << "; key " << newest << " seals\n";
        out << "column key_id rows\n";
        std::int64_t older = 0;
        for (const auto& column : sealed_columns()) {
            const auto it = counts.find(column.label);
            if (it == counts.end()) {
                out << column.label << " - 0\n";
                continue;
            }
            for (const auto& [id, rows] : it->second) {
                out << column.label << ' ' << id << ' ' << rows;
                if (std::find(ids.begin(), ids.end(), id) == ids.end())
                    out << " (key not in the keyring: these rows cannot be opened)";
                out << '\n';
                if (id != newest) older += rows;
            }
        }
        out << "rows under older keys: " << older << "\n";
        const auto blind =
            conn->exec_params(storage::statement("keys_blind_status").sql, storage::PgParams{});
        for (int i = 0; i < blind.rows(); ++i)
            out << "conversations.mrn_index (blind index key) " << blind.int64(i, 0) << ' '
                << blind.int64(i, 1) << '\n';
        return 0;
    } catch (const storage::PgSyncError& e) {
        report_sql_error(e, err);
        return 1;
    }
}

struct ResealTotals {
    std::map<std::string, std::int64_t> resealed;  ///< per column
    std::int64_t unreadable = 0;                   ///< rows that did not open: left as they are
    std::int64_t batches = 0;
};

/// One pass over one column: batches after a cursor, each its own short transaction.
void reseal_column(storage::PgSyncConnection& conn, const identity::Credentials& keys,
                   const SealedColumn& column, long batch, ResealTotals& totals) {
    const auto newest = static_cast<std::int64_t>(keys.sealing_key_id());
    std::string k1 = column.start, k2 = "0";
    for (;;) {
        storage::PgParams select;
        select.integer(newest).text(k1);
        if (column.two_keys) select.text(k2);
        select.integer(batch);
        conn.exec("BEGIN");
        try {
            const auto rows = exec(conn, column.batch, select);
            if (rows.rows() == 0) {
                conn.exec("COMMIT");
                return;
            }
            std::vector<std::string> keys1, keys2, values;
            for (int i = 0; i < rows.rows(); ++i) {
                const std::string r1(rows.text_or_throw(i, 0));
                const std::string r2(rows.text(i, 1).value_or(""));
                const std::string x1(rows.text(i, 3).value_or(""));
                const std::string x2(rows.text(i, 4).value_or(""));
                k1 = r1;
                k2 = column.two_keys ? r2 : "0";
                const auto sealed = rows.bytea(i, 2);
                const std::string ad = column.ad(r1, r2, x1, x2);
                const std::span bytes(reinterpret_cast<const std::uint8_t*>(sealed.data()),
                                      sealed.size());
                auto plain = keys.open(bytes, ad);
                if (!plain) {
                    ++totals.unreadable;
                    continue;
                }
                const auto resealed = keys.seal(*plain, ad);
                sodium_memzero(plain->data(), plain->size());
                keys1.push_back(r1);
                if (column.two_keys) keys2.push_back(r2);
                values.push_back(column.base64 ? base64(resealed) : hex(resealed));
            }
            if (!values.empty()) {
                storage::PgParams update;
                update.text(array_literal(keys1));
                if (column.two_keys) update.text(array_literal(keys2));
                update.text(array_literal(values));
                exec(conn, column.update, update);
            }
            conn.exec("COMMIT");
            totals.resealed[column.label] += static_cast<std::int64_t>(values.size());
            ++totals.batches;
        } catch (...) {
            try {
                conn.exec("ROLLBACK");
            } catch (const storage::PgSyncError&) {
            }
            throw;
        }
    }
}

identity::AuditNote key_note(std::string action, std::string outcome, std::uint32_t key_id) {
    identity::AuditNote n;
    n.action = std::move(action);
    n.outcome = std::move(outcome);
    n.actor_kind = "system";
    n.actor_id = "wardlinectl";
    n.target_kind = "sealing_key";
    n.target_id = std::to_string(key_id);
    n.details["via"] = "wardlinectl";
    return n;
}

bool audit(storage::PgSyncConnection& conn, identity::AuditNote note, std::ostream& err) {
    try {
        conn.exec("BEGIN");
        if (!identity::write_audit_sync(conn, std::move(note))) {
            conn.exec("ROLLBACK");
            err << "keys: the audit record could not be written\n";
            return false;
        }
        conn.exec("COMMIT");
        return true;
    } catch (const storage::PgSyncError& e) {
        report_sql_error(e, err);
        try {
            conn.exec("ROLLBACK");
        } catch (const storage::PgSyncError&) {
        }
        return false;
    }
}

/// What one re-seal of every value under an older key did.
struct ResealRun {
    ResealTotals totals;
    std::int64_t remaining = -1;  ///< values still under an older key afterwards (-1: unknown)
    bool failed = false;          ///< a database error stopped it (reported on err)
    std::int64_t total() const {
        std::int64_t n = 0;
        for (const auto& [label, count] : totals.resealed) n += count;
        return n;
    }
};

/// Re-seals every value under an older key with the key that seals, in passes of batches,
/// until only unreadable values are left (or passes take nothing for too long).
ResealRun reseal_older(storage::PgSyncConnection& conn, const identity::Credentials& keyring,
                       long batch, std::ostream& err) {
    const auto newest = keyring.sealing_key_id();
    ResealRun run;
    try {
        exec(conn, "keys_record", storage::PgParams{std::to_string(newest)});
        for (int pass = 0, idle = 0; pass < kMaxPasses + idle; ++pass) {
            const auto before = run.total();
            run.totals.unreadable = 0;
            for (const auto& column : sealed_columns())
                reseal_column(conn, keyring, column, batch, run.totals);
            run.remaining =
                exec(conn, "keys_remaining", storage::PgParams{std::to_string(newest)}).int64(0, 0);
            // Done when only unreadable rows are left.
            if (run.remaining <= run.totals.unreadable) break;
            if (run.total() != before) continue;
            if (++idle > kMaxIdlePasses) break;
            std::this_thread::sleep_for(kIdlePassWait * idle);
        }
    } catch (const storage::PgSyncError& e) {
        report_sql_error(e, err);
        run.failed = true;
    }
    return run;
}

/// The audit details and the printed summary of a re-seal.
void describe_reseal(const ResealRun& run, long batch, identity::AuditNote& note) {
    for (const auto& [label, n] : run.totals.resealed) note.details["resealed"][label] = n;
    note.details["resealed_total"] = run.total();
    note.details["unreadable"] = run.totals.unreadable;
    note.details["remaining"] = run.remaining;
    note.details["batches"] = run.totals.batches;
    note.details["batch_size"] = batch;
    if (run.totals.unreadable > 0) note.high_severity = true;
}

void print_reseal(const ResealRun& run, std::uint32_t newest, std::ostream& out) {
    out << "re-sealed " << run.total() << " value(s) under key " << newest << " in "
        << run.totals.batches << " batch(es)\n";
    for (const auto& [label, n] : run.totals.resealed) out << "  " << label << ' ' << n << '\n';
    if (run.remaining >= 0) out << "values under older keys: " << run.remaining << "\n";
}

int keys_reseal(const CliArgs& a, const std::string& file, std::ostream& out, std::ostream& err) {
    const auto batch = batch_size(a, err);
    if (!batch) return 2;
    const auto keyring = load_keyring(file, err);
    if (!keyring) return 1;
    auto conn = connect_owner(a, err);
    if (!conn) return 1;
    const auto newest = keyring->sealing_key_id();
    const ResealRun run = reseal_older(*conn, *keyring, *batch, err);
    const auto unreadable = run.totals.unreadable;
    auto note =
        key_note("keys.reseal", run.failed || unreadable > 0 ? "failure" : "success", newest);
    describe_reseal(run, *batch, note);
    const bool audited = audit(*conn, std::move(note), err);
    print_reseal(run, newest, out);
    if (unreadable > 0)
        err << "keys reseal: " << unreadable
            << " value(s) did not open (their key is not in the keyring, or they are damaged); "
               "they were left as they are\n";
    if (!run.failed && run.remaining > unreadable)
        err << "keys reseal: values under older keys remain; if the servers still seal with an "
               "older key, send them SIGHUP, then run keys reseal again\n";
    if (run.failed || !audited || unreadable > 0) return 1;
    return 0;
}

/// Values of every sealed column still under key `id`.
std::int64_t values_under(storage::PgSyncConnection& conn, std::uint32_t id) {
    const Counts counts = status_counts(conn);
    std::int64_t still = 0;
    for (const auto& [label, per_key] : counts)
        if (const auto it = per_key.find(static_cast<std::int64_t>(id)); it != per_key.end())
            still += it->second;
    return still;
}

/// Forgets key `id` (no value may be sealed under it any more): its row in sealing_keys_in_use,
/// an audit record `note`, and its line in the keyring file, all or nothing. Returns false (and
/// says why on err, prefixed with `what`) if any of it failed.
bool forget_key(storage::PgSyncConnection& conn, const std::string& file, std::uint32_t id,
                identity::AuditNote note, const char* what, std::ostream& err) {
    conn.exec("BEGIN");
    exec(conn, "keys_forget", storage::PgParams{std::to_string(id)});
    if (!identity::write_audit_sync(conn, std::move(note))) {
        conn.exec("ROLLBACK");
        err << what << ": the audit record could not be written\n";
        return false;
    }
    try {
        identity::remove_keyring_key(file, id);
    } catch (const std::exception& e) {
        conn.exec("ROLLBACK");
        err << what << ": " << e.what() << "\n";
        return false;
    }
    conn.exec("COMMIT");
    return true;
}

int keys_retire(const CliArgs& a, const std::string& file, std::ostream& out, std::ostream& err) {
    const auto text = a.value("--key-id");
    const bool digits =
        text && !text->empty() && text->size() <= 10 &&
        std::all_of(text->begin(), text->end(), [](char c) { return c >= '0' && c <= '9'; });
    const unsigned long long id = digits ? std::stoull(*text) : 0;
    if (id < 1 || id > 0xFFFFFFFFull) {
        err << "keys retire: --key-id must be a key id (1 to 4294967295)\n";
        return 2;
    }
    std::vector<std::uint32_t> ids;
    try {
        ids = identity::keyring_key_ids(file);
    } catch (const std::exception& e) {
        err << "keys retire: " << e.what() << "\n";
        return 1;
    }
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) {
        err << "keys retire: the keyring has no key " << id << "\n";
        return 3;
    }
    if (ids.back() == id) {
        err << "keys retire: key " << id
            << " seals new rows; rotate to a new key and re-seal before retiring it\n";
        return 3;
    }
    auto conn = connect_owner(a, err);
    if (!conn) return 1;
    try {
        const auto key = static_cast<std::uint32_t>(id);
        if (const auto still = values_under(*conn, key); still > 0) {
            err << "keys retire: " << still << " value(s) are still sealed under key " << id
                << "; run keys reseal (after SIGHUP to every server) and check keys status\n";
            return 3;
        }
        if (!forget_key(*conn, file, key, key_note("keys.retire", "success", key), "keys retire",
                        err))
            return 1;
    } catch (const storage::PgSyncError& e) {
        report_sql_error(e, err);
        return 1;
    }
    out << "retired key " << id << " from " << file
        << "; send SIGHUP to every wardline-server process so that they drop it\n";
    return 0;
}

/// keys shred: crypto-shredding (docs/security.md, "Crypto-shredding"). Every key is a period
/// of the at-rest data: it sealed what was written while it was the newest. Once a key's period
/// ended more than --keep-days ago (the organization's retention, so the retention job has
/// deleted that period's expired messages), what is still sealed under it (held or longer-kept
/// messages, and every other sealed column) is re-sealed under the newest key, and the key is
/// removed from the keyring and forgotten. A database backup of that period then holds values
/// no key opens any more. A key a server still seals with (no SIGHUP yet) keeps values, and is
/// left with a message.
int keys_shred(const CliArgs& a, const std::string& file, std::ostream& out, std::ostream& err) {
    const auto text = a.value("--keep-days");
    const bool digits =
        text && !text->empty() && text->size() <= 5 &&
        std::all_of(text->begin(), text->end(), [](char c) { return c >= '0' && c <= '9'; });
    const long keep_days = digits ? std::stol(*text) : -1;
    if (keep_days < 0 || keep_days > 36500) {
        err << "keys shred: --keep-days must be a whole number of days from 0 to 36500 (the "
               "retention the shredded periods must have outlived)\n";
        return 2;
    }
    const auto batch = batch_size(a, err);
    if (!batch) return 2;
    const auto keyring = load_keyring(file, err);
    if (!keyring) return 1;
    auto conn = connect_owner(a, err);
    if (!conn) return 1;
    const auto newest = keyring->sealing_key_id();
    const auto in_file = keyring->key_ids();
    std::vector<std::uint32_t> due;
    try {
        const auto r =
            exec(*conn, "keys_due_for_shredding", storage::PgParams{std::to_string(keep_days)});
        for (int i = 0; i < r.rows(); ++i) {
            const auto id = static_cast<std::uint32_t>(r.int64(i, 0));
            if (id != newest && std::find(in_file.begin(), in_file.end(), id) != in_file.end())
                due.push_back(id);
        }
    } catch (const storage::PgSyncError& e) {
        report_sql_error(e, err);
        return 1;
    }
    if (due.empty()) {
        out << "no key's period ended more than " << keep_days
            << " day(s) ago; nothing to shred (key " << newest << " seals)\n";
        return 0;
    }
    const ResealRun run = reseal_older(*conn, *keyring, *batch, err);
    auto reseal_note = key_note(
        "keys.reseal", run.failed || run.totals.unreadable > 0 ? "failure" : "success", newest);
    reseal_note.details["for"] = "keys.shred";
    describe_reseal(run, *batch, reseal_note);
    const bool audited = audit(*conn, std::move(reseal_note), err);
    print_reseal(run, newest, out);
    if (run.failed || !audited) return 1;
    std::vector<std::uint32_t> shredded, kept;
    try {
        for (const auto id : due) {
            if (const auto still = values_under(*conn, id); still > 0) {
                err << "keys shred: " << still << " value(s) are still sealed under key " << id
                    << " (a server still seals with it, or they do not open); send SIGHUP to "
                       "every wardline-server process and run keys shred again\n";
                kept.push_back(id);
                continue;
            }
            auto note = key_note("keys.shred", "success", id);
            note.details["keep_days"] = keep_days;
            note.details["sealing_key"] = newest;
            if (!forget_key(*conn, file, id, std::move(note), "keys shred", err)) return 1;
            shredded.push_back(id);
        }
    } catch (const storage::PgSyncError& e) {
        report_sql_error(e, err);
        return 1;
    }
    if (!shredded.empty()) {
        out << "shredded key(s)";
        for (const auto id : shredded) out << ' ' << id;
        out << " from " << file
            << ": values sealed under them (in backups too) no longer open. Send SIGHUP to every "
               "wardline-server process so that they drop them, and replace older copies of "
               "the keyring file\n";
    }
    return kept.empty() ? 0 : 1;
}

int keys_rotate_blind_index(const std::string& path, std::ostream& out, std::ostream& err) {
    try {
        const auto id = conversations::BlindIndexKey::add_key(path);
        out << "added blind index key " << id << " to " << path
            << "; send SIGHUP to every wardline-server process, then run `wardlinectl keys "
               "reindex`\n";
        return 0;
    } catch (const std::exception& e) {
        err << "keys rotate-blind-index: " << e.what() << "\n";
        return 1;
    }
}

/// keys reindex: recomputes every patient thread's MRN index under the newest blind index key,
/// from the sealed identifiers, in batches (each its own transaction, rows locked with SKIP
/// LOCKED). Lookups search under every key meanwhile, so nothing goes missing. A row the server
/// holds (a patient thread's row is locked by every message sent to it) is skipped by a pass;
/// after each pass the rows still under another key are counted, so that the command ends only
/// when none is left but unreadable ones, and passes that take nothing wait as keys reseal's do.
int keys_reindex(const CliArgs& a, const std::string& file, std::ostream& out, std::ostream& err) {
    const auto batch = batch_size(a, err);
    if (!batch) return 2;
    const auto blind_file = a.value("--blind-index-file");
    if (!blind_file || blind_file->empty()) {
        err << kUsage;
        return 2;
    }
    const auto keyring = load_keyring(file, err);
    if (!keyring) return 1;
    std::optional<conversations::BlindIndexKey> blind;
    try {
        blind.emplace(conversations::BlindIndexKey::load(*blind_file, "--blind-index-file"));
    } catch (const std::exception& e) {
        err << "keys reindex: " << e.what() << "\n";
        return 1;
    }
    auto conn = connect_owner(a, err);
    if (!conn) return 1;
    const auto key_id = blind->key_id();
    std::int64_t done = 0, unreadable = 0, batches = 0, remaining = -1;
    bool failed = false;
    try {
        for (int pass = 0, idle = 0; pass < kMaxPasses + idle; ++pass) {
            const auto before = done;
            unreadable = 0;  // counted again by every pass
            std::string cursor = kNilUuid;
            for (;;) {
                storage::PgParams select;
                select.integer(key_id).text(cursor).integer(*batch);
                conn->exec("BEGIN");
                try {
                    const auto rows = exec(*conn, "keys_reindex_batch", select);
                    if (rows.rows() == 0) {
                        conn->exec("COMMIT");
                        break;
                    }
                    std::vector<std::string> ids, indexes;
                    for (int i = 0; i < rows.rows(); ++i) {
                        const std::string id(rows.text_or_throw(i, 0));
                        cursor = id;
                        const auto sealed = rows.bytea(i, 1);
                        const std::span bytes(reinterpret_cast<const std::uint8_t*>(sealed.data()),
                                              sealed.size());
                        auto plain =
                            keyring->open(bytes, identity::ad::conversation(id, "patient"));
                        std::optional<std::string> mrn;
                        if (plain) {
                            const auto patient =
                                nlohmann::json::parse(plain->begin(), plain->end(), nullptr, false);
                            sodium_memzero(plain->data(), plain->size());
                            if (patient.is_object() && patient.contains("mrn") &&
                                patient["mrn"].is_string())
                                mrn =
                                    conversations::normalize_mrn(patient["mrn"].get<std::string>());
                        }
                        if (!mrn) {
                            ++unreadable;
                            continue;
                        }
                        ids.push_back(id);
                        indexes.push_back(hex(blind->index(*mrn)));
                    }
                    if (!ids.empty()) {
                        storage::PgParams update;
                        update.text(array_literal(ids))
                            .text(array_literal(indexes))
                            .integer(key_id);
                        exec(*conn, "keys_reindex_update", update);
                    }
                    conn->exec("COMMIT");
                    done += static_cast<std::int64_t>(ids.size());
                    ++batches;
                } catch (...) {
                    try {
                        conn->exec("ROLLBACK");
                    } catch (const storage::PgSyncError&) {
                    }
                    throw;
                }
            }
            remaining =
                exec(*conn, "keys_reindex_remaining", storage::PgParams{std::to_string(key_id)})
                    .int64(0, 0);
            // Done when only unreadable rows are left.
            if (remaining <= unreadable) break;
            if (done != before) continue;
            if (++idle > kMaxIdlePasses) break;
            std::this_thread::sleep_for(kIdlePassWait * idle);
        }
    } catch (const storage::PgSyncError& e) {
        report_sql_error(e, err);
        failed = true;
    }
    auto note = key_note("keys.reindex", failed || unreadable > 0 ? "failure" : "success", key_id);
    note.target_kind = "blind_index_key";
    note.details["reindexed"] = done;
    note.details["unreadable"] = unreadable;
    note.details["batches"] = batches;
    note.details["batch_size"] = *batch;
    note.details["remaining"] = remaining;
    // Rows that are neither done nor unreadable: the server held them through every pass.
    const bool skipped = !failed && remaining > unreadable;
    if (skipped) note.outcome = "failure";
    const bool audited = audit(*conn, std::move(note), err);
    out << "re-indexed " << done << " patient thread(s) under blind index key " << key_id << " in "
        << batches << " batch(es)\n";
    if (remaining >= 0)
        out << "patient threads under older blind index keys: " << remaining << "\n";
    if (unreadable > 0)
        err << "keys reindex: " << unreadable
            << " patient thread(s) did not open; their index was left as it is\n";
    if (skipped)
        err << "keys reindex: patient threads under older blind index keys remain (the server "
               "kept them locked, or a server still indexes with an older key: send it SIGHUP); "
               "run keys reindex again\n";
    return failed || !audited || unreadable > 0 || skipped ? 1 : 0;
}

}  // namespace

int run_keys(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    const CliArgs a(args);
    if (sodium_init() < 0) {
        err << "keys: libsodium failed to initialise\n";
        return 1;
    }
    const auto verb = a.positional(0);
    if (verb == "create") {
        const auto path = a.value("--out");
        if (!path || path->empty()) {
            err << kUsage;
            return 2;
        }
        return keys_create_or_rotate(true, *path, out, err);
    }
    if (verb == "rotate-blind-index") {
        const auto path = a.value("--blind-index-file");
        if (!path || path->empty()) {
            err << kUsage;
            return 2;
        }
        return keys_rotate_blind_index(*path, out, err);
    }
    const auto file = a.value("--file");
    if (!file || file->empty() ||
        (verb != "rotate" && verb != "status" && verb != "reseal" && verb != "retire" &&
         verb != "reindex" && verb != "shred")) {
        err << kUsage;
        return 2;
    }
    if (verb == "rotate") return keys_create_or_rotate(false, *file, out, err);
    if (verb == "status") return keys_status(a, *file, out, err);
    if (verb == "reseal") return keys_reseal(a, *file, out, err);
    if (verb == "reindex") return keys_reindex(a, *file, out, err);
    if (verb == "shred") return keys_shred(a, *file, out, err);
    return keys_retire(a, *file, out, err);
}

}  // namespace wardline::server::ctl
