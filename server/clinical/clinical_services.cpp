// SPDX-License-Identifier: Apache-2.0
#include "server/clinical/clinical_services.hpp"

#include "server/clinical/oncall_service.hpp"
#include "server/protocol/dispatcher.hpp"

namespace wardline::server::clinical {

struct ClinicalServices::Impl {
    Impl(storage::PgPool& pool, identity::SessionRegistry& /*sessions*/) : oncall(pool) {}
    OncallService oncall;
};

ClinicalServices::ClinicalServices(storage::PgPool& pool, identity::SessionRegistry& sessions)
    : impl_(std::make_unique<Impl>(pool, sessions)) {}

ClinicalServices::~ClinicalServices() = default;

void ClinicalServices::register_with(Dispatcher& dispatcher) {
    Impl& services = *impl_;
    dispatcher.add_service({"oncall."}, [&services](std::string type, nlohmann::json body,
                                                    identity::ConnectionAuth& auth) {
        return services.oncall.handle(std::move(type), std::move(body), auth);
    });
}

}  // namespace wardline::server::clinical
