// SPDX-License-Identifier: Apache-2.0
// Order in every handler: (session and permission checked by the dispatcher) validate, act and
// audit in one transaction, respond, then push events. Coroutine arguments are built as named
// locals before co_await (GCC 12, CONTRIBUTING.md).
#include "server/delivery/key_package_service.hpp"

#include "common/core/device_credential.hpp"
#include "common/core/log.hpp"
#include "server/concurrency/worker_pool.hpp"
#include "server/delivery/key_package_check.hpp"
#include "server/delivery/key_package_sql.hpp"
#include "server/identity/admin_service.hpp"
#include "server/identity/audit_bridge.hpp"
#include "server/identity/session_registry.hpp"
#include "server/storage/pg_pool.hpp"
#include "server/storage/transaction.hpp"

#include <sodium.h>

#include <cstring>
#include <optional>
#include <set>
#include <variant>
#include <vector>

namespace wardline::server::delivery {
namespace {

namespace asio = boost::asio;
using identity::AuditNote;
using identity::BoundSession;
using nlohmann::json;
using storage::PgLease;
using storage::PgParams;

const Failure kUnavailable{Errc::unavailable, "database unavailable"};
const Failure kNoSuchUser{Errc::not_found, "no such user in your organization"};
const Failure kNoDevice{Errc::not_found, "this session's device is not registered or was revoked"};

/// The checked contents of one upload.
struct UploadBatch {
    std::vector<CheckedKeyPackage> regular;  ///< without repeated references
    std::optional<CheckedKeyPackage> last_resort;
};

/// Checks every KeyPackage of an upload: the whole batch or the first rule broken, named with
/// the field and index it came from.
std::variant<UploadBatch, std::string> check_batch(const std::vector<std::string>& texts,
                                                   const std::optional<std::string>& last_resort,
                                                   const ExpectedDevice& device,
                                                   std::uint64_t now) {
    UploadBatch batch;
    std::set<std::vector<std::uint8_t>> refs;
    for (std::size_t i = 0; i < texts.size(); ++i) {
        auto checked = check_key_package(texts[i], device, now);
        if (auto* rule = std::get_if<std::string>(&checked))
            return "key_packages[" + std::to_string(i) + "] " + *rule;
        auto& kp = std::get<CheckedKeyPackage>(checked);
        // The same KeyPackage twice in one upload is stored once (as a retry would be).
        if (refs.insert(kp.ref).second) batch.regular.push_back(std::move(kp));
    }
    if (last_resort) {
        auto checked = check_key_package(*last_resort, device, now);
        if (auto* rule = std::get_if<std::string>(&checked)) return "last_resort " + *rule;
        auto& kp = std::get<CheckedKeyPackage>(checked);
        if (refs.contains(kp.ref))
            return std::string(
                "last_resort is also in key_packages; the last-resort KeyPackage must differ from "
                "the regular ones");
        batch.last_resort = std::move(kp);
    }
    return batch;
}

std::string hex(std::span<const std::uint8_t> bytes) {
    std::string out(bytes.size() * 2 + 1, '\0');
    sodium_bin2hex(out.data(), out.size(), bytes.data(), bytes.size());
    out.pop_back();
    return out;
}

std::string base64(std::span<const std::byte> bytes) {
    std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                      bytes.size(), sodium_base64_VARIANT_ORIGINAL);
    out.pop_back();  // the terminating NUL
    return out;
}

/// Parameters of key_packages_insert.sql: the parallel arrays as PostgreSQL array literals.
/// Their elements are hex digits and decimal numbers only, so nothing needs quoting.
PgParams insert_params(const BoundSession& caller, std::span<const CheckedKeyPackage> kps,
                       bool last_resort) {
    std::string refs = "{", messages = "{", suites = "{", not_after = "{";
    for (std::size_t i = 0; i < kps.size(); ++i) {
        const char* sep = i == 0 ? "" : ",";
        refs += sep + hex(kps[i].ref);
        messages += sep + hex(kps[i].message);
        suites += sep + std::to_string(kps[i].cipher_suite);
        not_after += sep + std::to_string(kps[i].not_after);
    }
    PgParams params{caller.org_id, caller.user_id, caller.device_id};
    params.text(refs + "}").text(messages + "}").text(suites + "}").text(not_after + "}");
    params.boolean(last_resort);
    return params;
}

AuditNote note_for(const BoundSession& caller, std::string action, std::string target_kind,
                   std::string target_id, const std::string& source) {
    AuditNote n;
    n.action = std::move(action);
    n.outcome = "success";
    n.org_id = caller.org_id;
    n.actor_kind = "user";
    n.actor_id = caller.user_id;
    n.target_kind = std::move(target_kind);
    n.target_id = std::move(target_id);
    n.source_address = source;
    n.details["session_id"] = caller.session_id;
    n.details["device_id"] = caller.device_id;
    return n;
}

}  // namespace

KeyPackageService::KeyPackageService(storage::PgPool& pool, WorkerPool& workers,
                                     identity::SessionRegistry& sessions,
                                     std::function<SystemClock::time_point()> now)
    : pool_(pool), workers_(workers), sessions_(sessions), now_(std::move(now)) {}

boost::asio::awaitable<Outcome> KeyPackageService::handle(std::string type, json body,
                                                          identity::ConnectionAuth& auth) {
    // authorize() guaranteed a session; copy it, since it may end while the handler waits.
    const BoundSession caller = *auth.session;
    const std::string source = auth.source_address;
    boost::asio::awaitable<Outcome> work;
    if (type == "key_packages.upload")
        work = upload(std::move(body), caller, source);
    else if (type == "key_packages.claim")
        work = claim(std::move(body), caller, source);
    else if (type == "key_packages.status")
        work = status(caller);
    else
        co_return Failure{Errc::unknown_type, "no handler for this request type"};
    co_return co_await std::move(work);
}

// --- key_packages.upload ------------------------------------------------------------------

boost::asio::awaitable<Outcome> KeyPackageService::upload(json body, BoundSession caller,
                                                          std::string source) {
    const auto texts = body.at("key_packages").get<std::vector<std::string>>();
    std::optional<std::string> last_resort_text;
    if (auto it = body.find("last_resort"); it != body.end())
        last_resort_text = it->get<std::string>();

    // The key the leaves must carry. Read here, and read again (locked) in the transaction.
    PgParams device_params{caller.org_id, caller.user_id, caller.device_id};
    auto reading = pool_.query(sql::key_package_device(), std::move(device_params));
    auto device_row = co_await std::move(reading);
    if (!device_row) co_return kUnavailable;
    if (device_row->rows() != 1) co_return kNoDevice;
    const auto key_bytes = device_row->bytea(0, 0);
    std::vector<std::uint8_t> identity_key(key_bytes.size());
    std::memcpy(identity_key.data(), key_bytes.data(), key_bytes.size());

    // Up to 101 KeyPackages of two Ed25519 verifications each: on the worker pool.
    const std::uint64_t now = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::seconds>(now_().time_since_epoch()).count());
    auto task = [texts, last_resort_text, identity_key,
                 credential =
                     device_credential_identity(caller.org_id, caller.user_id, caller.device_id),
                 now] {
        return check_batch(texts, last_resort_text, ExpectedDevice{identity_key, credential}, now);
    };
    auto checking = workers_.run(std::move(task));
    auto checked = co_await std::move(checking);
    if (!checked) co_return Failure{Errc::unavailable, "server busy; retry"};
    if (auto* rule = std::get_if<std::string>(&*checked))
        co_return Failure{Errc::bad_request, *rule};
    const UploadBatch batch = std::get<UploadBatch>(std::move(*checked));

    auto lease = co_await pool_.acquire();
    if (!lease) co_return kUnavailable;
    std::int64_t stored = 0;
    std::int64_t available = 0;
    bool has_last_resort = false;
    std::string refusal;
    auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
        stored = 0;
        PgParams lock{caller.org_id, caller.user_id, caller.device_id};
        auto locking = l.query(sql::key_package_device(), std::move(lock));
        auto locked = co_await std::move(locking);
        if (!locked) co_return locked.error();
        if (locked->rows() != 1) co_return Errc::not_found;
        PgParams purge{caller.org_id, caller.device_id};
        auto purging = l.query(sql::key_packages_purge_expired(), std::move(purge));
        if (auto purged = co_await std::move(purging); !purged) co_return purged.error();
        if (!batch.regular.empty()) {
            auto inserting =
                l.query(sql::key_packages_insert(), insert_params(caller, batch.regular, false));
            auto inserted = co_await std::move(inserting);
            if (!inserted) co_return inserted.error();
            stored += inserted->rows();
        }
        if (batch.last_resort) {
            PgParams drop{caller.org_id, caller.device_id};
            drop.binary(std::as_bytes(std::span(batch.last_resort->ref)));
            auto dropping = l.query(sql::key_packages_drop_last_resort(), std::move(drop));
            if (auto dropped = co_await std::move(dropping); !dropped) co_return dropped.error();
            auto inserting =
                l.query(sql::key_packages_insert(),
                        insert_params(caller, std::span(&*batch.last_resort, 1), true));
            auto inserted = co_await std::move(inserting);
            if (!inserted) co_return inserted.error();
        }
        PgParams count{caller.org_id, caller.device_id};
        auto counting = l.query(sql::key_packages_stock(), std::move(count));
        auto stock = co_await std::move(counting);
        if (!stock) co_return stock.error();
        available = stock->int64(0, 0);
        has_last_resort = stock->boolean(0, 1);
        if (available > kMaxStock) {
            refusal = "the device would hold " + std::to_string(available) +
                      " KeyPackages, more than " + std::to_string(kMaxStock) +
                      "; upload fewer (key_packages.status tells how many it holds)";
            co_return Errc::bad_request;
        }
        AuditNote n = note_for(caller, "key_packages.upload", "device", caller.device_id, source);
        n.details["stored"] = stored;
        n.details["available"] = available;
        n.details["last_resort_replaced"] = batch.last_resort.has_value();
        auto writing = identity::write_audit(l, std::move(n));
        co_return co_await std::move(writing);
    };
    auto transacting = storage::with_transaction(*lease, work);
    auto done = co_await std::move(transacting);
    lease->release();
    if (!done) {
        if (!refusal.empty()) co_return Failure{Errc::bad_request, refusal};
        if (done.error() == make_error_code(Errc::not_found)) co_return kNoDevice;
        co_return kUnavailable;
    }
    co_return json{{"stored", stored},
                   {"available", available},
                   {"low", available < kLowWater},
                   {"last_resort", has_last_resort}};
}

// --- key_packages.claim -------------------------------------------------------------------

boost::asio::awaitable<Outcome> KeyPackageService::claim(json body, BoundSession caller,
                                                         std::string source) {
    const std::string user_id = body.at("user_id").get<std::string>();
    if (!identity::is_uuid(user_id)) co_return kNoSuchUser;
    auto lease = co_await pool_.acquire();
    if (!lease) co_return kUnavailable;
    json devices = json::array();
    json missing = json::array();
    std::vector<std::pair<std::string, std::int64_t>> low;  // device id, remaining stock
    std::string refusal;
    auto work = [&](PgLease& l) -> asio::awaitable<Result<void>> {
        devices = json::array();
        missing = json::array();
        low.clear();
        PgParams who{caller.org_id, user_id};
        auto looking = l.query(sql::key_packages_user_status(), std::move(who));
        auto user = co_await std::move(looking);
        if (!user) co_return user.error();
        if (user->rows() != 1) co_return Errc::not_found;
        if (const std::string user_status(user->text_or_throw(0, 0)); user_status != "active") {
            refusal = "the user is " + user_status;
            co_return Errc::conflict;
        }
        // A device does not add itself: the caller's own device is left out of its own claim.
        PgParams params{caller.org_id, user_id};
        if (user_id == caller.user_id)
            params.text(caller.device_id);
        else
            params.null();
        auto claiming = l.query(sql::key_packages_claim(), std::move(params));
        auto r = co_await std::move(claiming);
        if (!r) co_return r.error();
        std::int64_t consumed = 0;
        std::int64_t last_resorts = 0;
        for (int i = 0; i < r->rows(); ++i) {
            const std::string device_id(r->text_or_throw(i, 0));
            const std::int64_t remaining = r->int64(i, 3);
            if (remaining < kLowWater) low.emplace_back(device_id, remaining);
            if (r->is_null(i, 1)) {
                missing.push_back(device_id);
                continue;
            }
            const bool last_resort = r->boolean(i, 2);
            (last_resort ? last_resorts : consumed) += 1;
            devices.push_back({{"device_id", device_id},
                               {"key_package", base64(r->bytea(i, 1))},
                               {"last_resort", last_resort}});
        }
        AuditNote n = note_for(caller, "key_packages.claim", "user", user_id, source);
        n.details["consumed"] = consumed;
        n.details["last_resort"] = last_resorts;
        n.details["missing"] = missing.size();
        auto writing = identity::write_audit(l, std::move(n));
        co_return co_await std::move(writing);
    };
    auto transacting = storage::with_transaction(*lease, work);
    auto done = co_await std::move(transacting);
    lease->release();
    if (!done) {
        if (done.error() == make_error_code(Errc::not_found)) co_return kNoSuchUser;
        if (!refusal.empty()) co_return Failure{Errc::conflict, refusal};
        co_return kUnavailable;
    }
    // After COMMIT: tell the devices that ran low, on every node (the registry relays it).
    for (const auto& [device_id, remaining] : low)
        sessions_.notify_device(device_id, "key_packages.low", json{{"available", remaining}});
    co_return json{{"devices", std::move(devices)}, {"missing", std::move(missing)}};
}

// --- key_packages.status ------------------------------------------------------------------

boost::asio::awaitable<Outcome> KeyPackageService::status(BoundSession caller) {
    PgParams params{caller.org_id, caller.device_id};
    auto counting = pool_.query(sql::key_packages_stock(), std::move(params));
    auto stock = co_await std::move(counting);
    if (!stock || stock->rows() != 1) co_return kUnavailable;
    const std::int64_t available = stock->int64(0, 0);
    co_return json{{"available", available},
                   {"low", available < kLowWater},
                   {"last_resort", stock->boolean(0, 1)}};
}

}  // namespace wardline::server::delivery
