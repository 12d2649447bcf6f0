// SPDX-License-Identifier: Apache-2.0
#pragma once
// The organization's colleagues as directory.search shows them (docs/client.md, "Chat views"):
// searches for the directory view and the new-conversation dialog, and the display names of
// everyone seen so far, so that a message's sender or a direct conversation's peer is shown
// by name rather than by id. Names live in memory only, for as long as the signed-in shell.
#include "client-qt/core/server_connection.hpp"

#include <QJsonObject>
#include <QObject>
#include <QStringList>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

namespace wardline::client {

struct Colleague {
    QString id;
    QString username;
    QString display_name;
    QString department;
    QString job_title;
    QStringList roles;
    QString presence;       ///< available, busy, away or offline
    bool on_shift = false;  ///< on shift now in some on-call team
    QStringList on_call;    ///< "Team (primary)" for each current shift
};

struct DirectoryQuery {
    QString text;        ///< substring of username or display name; empty: everyone
    QString department;  ///< exact, case-insensitive; empty: any
    QString role;        ///< one of the organization's role names; empty: any
    std::optional<bool> on_call;
};

class ColleagueDirectory : public QObject {
    Q_OBJECT
public:
    /// At most this many colleagues are loaded by load_names() (pages of 100).
    static constexpr int max_loaded = 2000;

    explicit ColleagueDirectory(ServerConnection& connection, QObject* parent = nullptr);
    ~ColleagueDirectory() override;

    /// Loads every colleague's name (up to max_loaded); namesChanged when done.
    void load_names();
    /// One page of matches (at most 100); `done` gets them, or an error code.
    void search(const DirectoryQuery& query,
                std::function<void(const std::vector<Colleague>&, const QString& error)> done);

    /// The display name of `user_id`, or an empty string when not seen yet.
    QString display_name(const QString& user_id) const;
    bool loaded() const noexcept { return loaded_; }

    /// Reads one entry of directory.search; nullopt when a required field is missing.
    static std::optional<Colleague> from_json(const QJsonObject& o);

signals:
    void namesChanged();

private:
    void load_page(const QString& after, int loaded);
    void remember(const Colleague& c);

    ServerConnection& connection_;
    std::map<QString, QString> names_;
    bool loaded_ = false;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace wardline::client
