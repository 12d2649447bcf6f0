// SPDX-License-Identifier: Apache-2.0
#pragma once
// All clinical services of one server process, built together and registered with the
// dispatcher in one call, so server/app/main.cpp needs a single line for them.
#include <memory>

namespace wardline::server {
class Dispatcher;
}
namespace wardline::server::storage {
class PgPool;
}
namespace wardline::server::identity {
class SessionRegistry;
}

namespace wardline::server::clinical {

class ClinicalServices {
public:
    ClinicalServices(storage::PgPool& pool, identity::SessionRegistry& sessions);
    ~ClinicalServices();
    ClinicalServices(const ClinicalServices&) = delete;
    ClinicalServices& operator=(const ClinicalServices&) = delete;

    /// Routes oncall.*, directory.*, templates.* and presence.* to the services. They must
    /// outlive the dispatcher's use of them (main() keeps both to the end).
    void register_with(Dispatcher& dispatcher);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace wardline::server::clinical
