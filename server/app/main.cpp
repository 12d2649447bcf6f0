// SPDX-License-Identifier: Apache-2.0
// wardline-server: the composition root. Everything is constructed here and passed by
// reference; there are no singletons.
#include "common/core/embedded.hpp"
#include "common/core/log.hpp"
#include "common/proto/protocol.hpp"
#include "server/audit/checkpointer.hpp"
#include "server/audit/live_chain_check.hpp"
#include "server/clinical/clinical_services.hpp"
#include "server/concurrency/worker_pool.hpp"
#include "server/config/config.hpp"
#include "server/conversations/conversation_service.hpp"
#include "server/conversations/patient_identifiers.hpp"
#include "server/delivery/external_sender_key.hpp"
#include "server/delivery/key_package_service.hpp"
#include "server/identity/admin_service.hpp"
#include "server/identity/auth_service.hpp"
#include "server/identity/credentials.hpp"
#include "server/identity/keyring_guard.hpp"
#include "server/identity/quiet_hours_service.hpp"
#include "server/identity/session_registry.hpp"
#include "server/messaging/escalation_rules.hpp"
#include "server/messaging/escalator.hpp"
#include "server/messaging/event_relay.hpp"
#include "server/messaging/fanout.hpp"
#include "server/messaging/message_push.hpp"
#include "server/messaging/message_writer.hpp"
#include "server/messaging/removal_sweeper.hpp"
#include "server/messaging/stream_service.hpp"
#include "server/messaging/workflow_service.hpp"
#include "server/metrics/metrics.hpp"
#include "server/net/server.hpp"
#include "server/protocol/dispatcher.hpp"
#include "server/retention/legal_hold_service.hpp"
#include "server/retention/retention_job.hpp"
#include "server/retention/retention_service.hpp"
#include "server/reports/metrics_service.hpp"
#include "server/storage/pg_pool.hpp"

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstring>
#include <functional>
#include <iostream>
#include <optional>
#include <string>
#include <thread>

namespace {

void usage(std::ostream& out) {
    out << "usage: wardline-server --config FILE [--check-config]\n"
           "       wardline-server --print-default-config\n"
           "       wardline-server --version\n"
           "The database password comes from WARDLINE_DB_PASSWORD or database.password_file.\n";
}

/// The highest migration compiled into this binary: the schema version /readyz expects.
int expected_schema_version() {
    int highest = 0;
    for (const auto& m : wardline::embedded::migrations())
        highest = std::max(highest, std::stoi(std::string(m.name.substr(0, 4))));
    return highest;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace wardline;
    std::string config_path;
    bool check_only = false;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--config" && i + 1 < argc) {
            config_path = argv[++i];
        } else if (arg == "--check-config") {
            check_only = true;
        } else if (arg == "--print-default-config") {
            server::print_default_config(std::cout);
            return 0;
        } else if (arg == "--version") {
            std::cout << "wardline-server " << WARDLINE_VERSION << "\n";
            return 0;
        } else if (arg == "--help" || arg == "-h") {
            usage(std::cout);
            return 0;
        } else {
            std::cerr << "wardline-server: unknown argument (secrets are never taken on the command line)\n";
            usage(std::cerr);
            return 2;
        }
    }
    if (config_path.empty()) {
        usage(std::cerr);
        return 2;
    }
    auto loaded = server::load_config(config_path);
    if (!loaded) {
        std::cerr << "wardline-server: " << loaded.error() << "\n";
        return 2;
    }
    const server::Config& config = *loaded;
    if (check_only) {
        std::cout << "configuration " << config_path << " is valid\n";
        return 0;
    }
    try {
        log::configure(config.log_level, config.log_format == "json" ? log::Format::json : log::Format::human);
        const auto protocol = proto::Protocol::load_embedded();
        unsigned threads = config.io_threads ? config.io_threads : std::thread::hardware_concurrency();
        boost::asio::io_context ioc(static_cast<int>(threads ? threads : 1));

        server::storage::PgConfig db;
        db.conninfo = config.database.conninfo;
        db.password = config.database.password;
        db.pool_size = config.database.pool_size;
        db.connect_timeout = config.database.connect_timeout;
        db.acquire_timeout = config.database.acquire_timeout;
        db.health_check_interval = config.database.health_check_interval;
        server::storage::PgPool pool(ioc.get_executor(), db);

        server::Metrics metrics(protocol.request_types());
        metrics.set_pool_sampler([&pool] {
            const auto s = pool.stats();
            return server::PoolSample{s.size, s.in_use, s.idle, s.connecting,
                                      s.acquire_waits, s.acquire_wait_ns, s.acquire_timeouts};
        });
        // CPU-heavy work waits in a bounded queue, never on an I/O thread.
        server::WorkerPool workers(config.worker_threads, 64 * config.worker_threads);
        server::identity::Credentials credentials(
            config.identity.sealing_keyring_file, config.identity.argon2_ops,
            config.identity.argon2_memory_kib * 1024, config.identity.totp_issuer);
        server::identity::SessionRegistry sessions;
        server::identity::AuthService auth(
            pool, workers, sessions, credentials,
            {config.identity.login_burst, config.identity.login_per_minute});
        auto audit_signing_key =
            server::audit::SigningKey::load(config.audit.signing_key_file, "audit.signing_key_file");
        server::audit::LiveChainCheck chain_check(pool, audit_signing_key.public_key());
        server::identity::AdminService admin(pool, workers, sessions, credentials, chain_check);
        server::delivery::KeyPackageService key_packages(pool, workers, sessions);
        const auto external_sender = server::delivery::ExternalSenderKey::load_or_create(
            config.delivery.external_sender_key_file);
        server::Dispatcher dispatcher(protocol, config.limits, pool, workers, auth, admin,
                                      expected_schema_version());
        // The user's own quiet hours (the rest of account.* is AuthService's).
        server::identity::QuietHoursService quiet_hours(pool);
        dispatcher.add_service({"account.quiet_hours."},
                               [&quiet_hours](std::string type, nlohmann::json body,
                                              server::identity::ConnectionAuth& a) {
                                   return quiet_hours.handle(std::move(type), std::move(body), a);
                               });
        dispatcher.add_service({"key_packages."}, [&key_packages](std::string type,
                                                                  nlohmann::json body,
                                                                  server::identity::ConnectionAuth& a) {
            return key_packages.handle(std::move(type), std::move(body), a);
        });
        std::optional<server::conversations::BlindIndexKey> mrn_key;
        if (!config.identity.blind_index_key_file.empty())
            mrn_key.emplace(server::conversations::BlindIndexKey::load(
                config.identity.blind_index_key_file, "identity.blind_index_key_file"));
        server::conversations::ConversationService conversations(
            pool, sessions, credentials, mrn_key ? &*mrn_key : nullptr);
        dispatcher.add_service({"conversations.", "patients.", "break_glass."}, [&conversations](std::string type,
                                                                              nlohmann::json body,
                                                                              server::identity::ConnectionAuth& a) {
            return conversations.handle(std::move(type), std::move(body), a);
        });
        dispatcher.add_service(
            {"delivery."},
            [&external_sender](std::string type, nlohmann::json,
                               server::identity::ConnectionAuth&) -> boost::asio::awaitable<server::Outcome> {
                if (type != "delivery.external_sender")
                    co_return server::Failure{Errc::unknown_type, "no handler for this request type"};
                co_return external_sender.describe();
            });
        // The message stream: one group-commit writer per process, the push after COMMIT.
        // Other processes on the same database learn of new rows by LISTEN/NOTIFY.
        const std::string node = server::messaging::new_node_id();
        server::messaging::MessagePush push(sessions);
        server::messaging::MessageWriter writer(
            ioc.get_executor(), pool, credentials,
            [&push](const std::vector<server::messaging::CommittedMessage>& batch) {
                push.committed(batch);
            },
            node);
        server::messaging::StreamService stream(
            pool, credentials, writer, push,
            {config.messaging.send_per_second, config.messaging.send_burst}, node);
        server::messaging::StreamListener listener(ioc.get_executor(), db, pool, credentials, push,
                                                   node);
        // Every other push and session end crosses processes by the event relay, whose
        // notifications the same listener receives.
        server::messaging::EventRelay relay(ioc.get_executor(), pool, sessions, node);
        listener.relay_events(relay);
        // The clinical workflow: registered before the stream, whose "messages." prefix would
        // take these types (the first matching service wins).
        server::messaging::WorkflowConfig workflow_config;
        workflow_config.recall_window_seconds = config.messaging.recall_window_seconds;
        server::messaging::WorkflowService workflow(pool, sessions, workflow_config);
        stream.set_workflow(workflow);
        dispatcher.add_service({"messages.read", "messages.acknowledge", "messages.recall",
                                "messages.typing", "receipts."},
                               [&workflow](std::string type, nlohmann::json body,
                                           server::identity::ConnectionAuth& a) {
                                   return workflow.handle(std::move(type), std::move(body), a);
                               });
        dispatcher.add_service({"messages.", "handshake.", "group_info."},
                               [&stream](std::string type, nlohmann::json body,
                                         server::identity::ConnectionAuth& a) {
                                   return stream.handle(std::move(type), std::move(body), a);
                               });
        server::messaging::RemovalSweeper removals(ioc.get_executor(), pool, credentials,
                                                   external_sender, push, node,
                                                   config.messaging.removal_sweep);
        server::messaging::EscalationRuleService escalation_rules(pool);
        dispatcher.add_service({"escalation_rules."},
                               [&escalation_rules](std::string type, nlohmann::json body,
                                                   server::identity::ConnectionAuth& a) {
                                   return escalation_rules.handle(std::move(type), std::move(body), a);
                               });
        server::messaging::Escalator escalator(ioc.get_executor(), pool, sessions,
                                               config.messaging.escalation_scan);
        // Retention policies (retention.manage) and legal holds (legal_hold.manage).
        server::retention::RetentionService retention(pool);
        dispatcher.add_service({"retention."}, [&retention](std::string type, nlohmann::json body,
                                                            server::identity::ConnectionAuth& a) {
            return retention.handle(std::move(type), std::move(body), a);
        });
        server::retention::LegalHoldService legal_holds(pool);
        dispatcher.add_service({"legal_holds."}, [&legal_holds](std::string type,
                                                                nlohmann::json body,
                                                                server::identity::ConnectionAuth& a) {
            return legal_holds.handle(std::move(type), std::move(body), a);
        });
        // Activity metrics from metadata (metrics.read).
        server::reports::MetricsService metrics_report(pool);
        dispatcher.add_service({"reports."}, [&metrics_report](std::string type,
                                                               nlohmann::json body,
                                                               server::identity::ConnectionAuth& a) {
            return metrics_report.handle(std::move(type), std::move(body), a);
        });
        // Deletes expired messages; one process of the cluster at a time (advisory lock).
        server::retention::RetentionJob retention_job(ioc.get_executor(), pool, sessions, node,
                                                      config.retention.interval,
                                                      config.retention.batch_size);
        writer.start();
        relay.start();
        listener.start();
        removals.start();
        escalator.start();
        retention_job.start();
        // Presence is shared by every process through the database: this process registers
        // as a node under the same id, heartbeats, and removes itself on a graceful stop.
        server::clinical::ClinicalServices clinical(ioc.get_executor(), pool, sessions, node,
                                                    config.presence.node_ttl);
        clinical.register_with(dispatcher);
        clinical.start();
        server::Server server(ioc, config, protocol, metrics, pool, dispatcher);
        // After the connections drained: presence first (its offline pushes go through the
        // relay), then the relay sends what is queued, then the pool stops.
        server.on_stop([&clinical](std::function<void()> done) { clinical.stop(std::move(done)); });
        server.on_stop([&relay](std::function<void()> done) {
            relay.when_sent(std::move(done), std::chrono::seconds(2));
        });
        // SIGHUP reloads the sealing keyring; a keyring without a key rows are sealed under
        // stops the server with exit status 1 as soon as the database tells.
        int exit_status = 0;
        server::identity::KeyringGuard keyring_guard(
            ioc.get_executor(), credentials, pool, [&server, &exit_status](const std::string& why) {
                log::app().critical("refusing to run: {}", why);
                exit_status = 1;
                server.request_stop();
            },
            [&mrn_key] {
                if (!mrn_key) return;
                try {
                    const auto id = mrn_key->reload();
                    log::app().info("SIGHUP: blind index keys reloaded; key {} indexes", id);
                } catch (const std::exception& e) {
                    log::app().error("SIGHUP: blind index keys not reloaded: {}", e.what());
                }
            });
        keyring_guard.start();
        server::audit::Checkpointer checkpointer(
            ioc.get_executor(), pool, std::move(audit_signing_key),
            config.audit.checkpoint_every_records, config.audit.checkpoint_interval);
        checkpointer.start();
        log::app().info("wardline-server {} starting (protocol {}, schema {})", WARDLINE_VERSION,
                        protocol.version(), expected_schema_version());
        pool.start();
        const int status = server.run();
        return exit_status != 0 ? exit_status : status;
    } catch (const std::exception& e) {
        std::cerr << "wardline-server: " << e.what() << "\n";
        return 1;
    }
}
