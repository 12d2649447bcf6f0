// SPDX-License-Identifier: Apache-2.0
#include "server/clinical/clinical_services.hpp"

#include "server/clinical/directory_service.hpp"
#include "server/clinical/oncall_service.hpp"
#include "server/clinical/presence_service.hpp"
#include "server/clinical/template_service.hpp"
#include "server/protocol/dispatcher.hpp"

namespace wardline::server::clinical {

struct ClinicalServices::Impl {
    Impl(boost::asio::any_io_executor executor, storage::PgPool& pool,
         identity::SessionRegistry& sessions, std::string node, std::chrono::seconds node_ttl)
        : oncall(pool),
          presence(std::move(executor), pool, sessions, std::move(node), node_ttl),
          directory(pool),
          templates(pool) {}
    OncallService oncall;
    PresenceService presence;
    DirectoryService directory;
    TemplateService templates;
};

ClinicalServices::ClinicalServices(boost::asio::any_io_executor executor, storage::PgPool& pool,
                                   identity::SessionRegistry& sessions, std::string node,
                                   std::chrono::seconds node_ttl)
    : impl_(
          std::make_unique<Impl>(std::move(executor), pool, sessions, std::move(node), node_ttl)) {}

ClinicalServices::~ClinicalServices() = default;

void ClinicalServices::start() {
    impl_->presence.start();
}

void ClinicalServices::stop(std::function<void()> done) {
    impl_->presence.stop(std::move(done));
}

void ClinicalServices::register_with(Dispatcher& dispatcher) {
    Impl& s = *impl_;
    dispatcher.add_service(
        {"oncall."}, [&s](std::string type, nlohmann::json body, identity::ConnectionAuth& auth) {
            return s.oncall.handle(std::move(type), std::move(body), auth);
        });
    dispatcher.add_service({"directory."}, [&s](std::string type, nlohmann::json body,
                                                identity::ConnectionAuth& auth) {
        return s.directory.handle(std::move(type), std::move(body), auth);
    });
    dispatcher.add_service({"templates."}, [&s](std::string type, nlohmann::json body,
                                                identity::ConnectionAuth& auth) {
        return s.templates.handle(std::move(type), std::move(body), auth);
    });
    dispatcher.add_service(
        {"presence."}, [&s](std::string type, nlohmann::json body, identity::ConnectionAuth& auth) {
            return s.presence.handle(std::move(type), std::move(body), auth);
        });
}

}  // namespace wardline::server::clinical
