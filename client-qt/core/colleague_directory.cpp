// SPDX-License-Identifier: Apache-2.0
#include "client-qt/core/colleague_directory.hpp"

#include <QJsonArray>

namespace wardline::client {

ColleagueDirectory::ColleagueDirectory(ServerConnection& connection, QObject* parent)
    : QObject(parent), connection_(connection) {}

ColleagueDirectory::~ColleagueDirectory() {
    *alive_ = false;
}

std::optional<Colleague> ColleagueDirectory::from_json(const QJsonObject& o) {
    const auto id = o.value(QLatin1String("id"));
    const auto name = o.value(QLatin1String("display_name"));
    if (!id.isString() || id.toString().isEmpty() || !name.isString()) return std::nullopt;
    Colleague c;
    c.id = id.toString();
    c.display_name = name.toString();
    c.username = o.value(QLatin1String("username")).toString();
    c.department = o.value(QLatin1String("department")).toString();
    c.job_title = o.value(QLatin1String("job_title")).toString();
    for (const auto& r : o.value(QLatin1String("roles")).toArray()) c.roles.append(r.toString());
    c.presence = o.value(QLatin1String("presence")).toString();
    c.on_shift = o.value(QLatin1String("on_shift")).toBool();
    for (const auto& s : o.value(QLatin1String("on_call")).toArray()) {
        const auto shift = s.toObject();
        c.on_call.append(
            QStringLiteral("%1 (%2)").arg(shift.value(QLatin1String("team")).toString(),
                                          shift.value(QLatin1String("role")).toString()));
    }
    return c;
}

void ColleagueDirectory::remember(const Colleague& c) {
    names_[c.id] = c.display_name.isEmpty() ? c.username : c.display_name;
}

QString ColleagueDirectory::display_name(const QString& user_id) const {
    const auto it = names_.find(user_id);
    return it == names_.end() ? QString() : it->second;
}

void ColleagueDirectory::load_names() {
    load_page({}, 0);
}

void ColleagueDirectory::load_page(const QString& after, int loaded) {
    QJsonObject body{{QStringLiteral("limit"), 100}};
    if (!after.isEmpty()) body.insert(QStringLiteral("after"), after);
    std::weak_ptr<bool> alive = alive_;
    connection_.request(
        QStringLiteral("directory.search"), body, [this, alive, loaded](const ServerResponse& r) {
            if (alive.expired()) return;
            int count = loaded;
            if (r.ok) {
                for (const auto& v : r.body.value(QLatin1String("users")).toArray())
                    if (auto c = from_json(v.toObject())) {
                        remember(*c);
                        ++count;
                    }
                const QString next = r.body.value(QLatin1String("next_after")).toString();
                if (!next.isEmpty() && count < max_loaded) return load_page(next, count);
            }
            loaded_ = true;
            emit namesChanged();
        });
}

void ColleagueDirectory::search(
    const DirectoryQuery& query,
    std::function<void(const std::vector<Colleague>&, const QString& error)> done) {
    QJsonObject body{{QStringLiteral("limit"), 100}};
    if (!query.text.trimmed().isEmpty())
        body.insert(QStringLiteral("query"), query.text.trimmed().left(100));
    if (!query.department.trimmed().isEmpty())
        body.insert(QStringLiteral("department"), query.department.trimmed().left(100));
    if (!query.role.isEmpty()) body.insert(QStringLiteral("role"), query.role);
    if (query.on_call) body.insert(QStringLiteral("on_call"), *query.on_call);
    std::weak_ptr<bool> alive = alive_;
    connection_.request(QStringLiteral("directory.search"), body,
                        [this, alive, done = std::move(done)](const ServerResponse& r) {
                            if (alive.expired()) return;
                            std::vector<Colleague> found;
                            if (!r.ok) return done(found, r.error_code);
                            for (const auto& v : r.body.value(QLatin1String("users")).toArray())
                                if (auto c = from_json(v.toObject())) {
                                    remember(*c);
                                    found.push_back(std::move(*c));
                                }
                            done(found, {});
                        });
}

}  // namespace wardline::client
