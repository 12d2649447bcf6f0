// SPDX-License-Identifier: Apache-2.0
// The desktop client's local side (issue #6, "Performance"; docs/benchmarks.md): from launch
// to a usable conversation list with a local store of 50,000 messages, and opening a
// conversation of 100,000 messages and scrolling through it to its first message, with the
// process's peak memory. Everything is the client's real code: the Argon2id-wrapped key file,
// the sealed SQLite store, the engine's stores, MessageRecorder and the item models, and the
// Qt widgets on the offscreen platform. The network is not involved (the sign-in round trip is
// the server's, measured by the server benchmarks).
//
//   client_store_bench [runs]      prepares both stores in a temporary directory, then starts
//                                  itself `runs` times (default 5) for each measurement and
//                                  prints the medians
//   client_store_bench launch DIR  one launch (what the parent times)
//   client_store_bench scroll DIR  one open-and-scroll
#include "client-qt/app/chat_delegates.hpp"
#include "client-qt/core/account_storage.hpp"
#include "client-qt/core/colleague_directory.hpp"
#include "client-qt/core/conversation_list_model.hpp"
#include "client-qt/core/device_identity.hpp"
#include "client-qt/core/group_engine.hpp"
#include "client-qt/core/local_key_file.hpp"
#include "client-qt/core/message_list_model.hpp"
#include "client-qt/core/message_recorder.hpp"
#include "client-qt/core/server_connection.hpp"
#include "client-qt/core/session.hpp"

#include <QApplication>
#include <QElapsedTimer>
#include <QListView>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace {

using namespace wardline::client;

constexpr int launch_conversations = 200;
constexpr int launch_messages_each = 250;  // 50,000 in all
constexpr int scroll_messages = 100'000;
const QString password = QStringLiteral("correct horse battery staple 42");

StoreAccount account_of(const QString& name) {
    return {QStringLiteral("bench.example:443"), name, QStringLiteral("bench-device")};
}

/// A clinical-length message (about 160 bytes), different each time.
QByteArray body(std::mt19937& random) {
    static const char* words[] = {"patient", "bed", "vitals", "stable", "review", "please",
                                  "labs",    "back", "BP",    "120/80", "obs",    "hourly",
                                  "pain",    "score", "3",    "plan",   "discharge", "today"};
    QByteArray out;
    while (out.size() < 160) {
        out += words[random() % std::size(words)];
        out += ' ';
    }
    return out;
}

/// Fills the store `name` in `dir` with `conversations` conversations of `each` messages,
/// written in transactions of 1,000 as a sync would.
void fill(const QString& dir, const QString& name, int conversations, int each) {
    const LocalKeyFile file(dir + QLatin1Char('/') + name + QStringLiteral(".key"));
    LocalKey key = LocalKey::generate();
    if (file.write(key, password) != KeyFileError::none) throw std::runtime_error("key file");
    AccountStorage storage(std::move(key), dir, account_of(name));
    LocalStore& store = storage.store();
    std::mt19937 random(7);
    const qint64 start_ms = 1'780'000'000'000;
    for (int c = 0; c < conversations; ++c) {
        StoredConversation conversation;
        conversation.id = QStringLiteral("c%1").arg(c, 4, 10, QLatin1Char('0'));
        conversation.kind = c % 5 == 0 ? QStringLiteral("patient") : QStringLiteral("group");
        conversation.title = QStringLiteral("Ward %1 handover").arg(c);
        store.upsert_conversation(conversation);
        std::vector<StoredMessage> batch;
        for (int s = 1; s <= each; ++s) {
            StoredMessage m;
            m.conversation_id = conversation.id;
            m.seq = s;
            m.sender_user_id = s % 3 == 0 ? name : QStringLiteral("colleague-%1").arg(s % 7);
            m.sender_device_id = QStringLiteral("d");
            m.client_msg_id = QStringLiteral("m-%1-%2").arg(c).arg(s);
            m.server_time_ms = start_ms + (qint64{c} * each + s) * 1000;
            m.priority = s % 97 == 0 ? Priority::urgent : Priority::routine;
            m.state = s % 3 == 0 ? MessageState::read : MessageState::received;
            m.body = body(random);
            batch.push_back(std::move(m));
            if (batch.size() == 1000 || s == each) {
                store.store_messages(batch);
                batch.clear();
            }
        }
        store.raise_member_position(conversation.id, name, each, each - (c % 4) * 5);
    }
}

/// What a signed-in window holds, built offline over an opened AccountStorage.
struct Client {
    explicit Client(AccountStorage& storage)
        : identity(DeviceIdentity::generate(QStringLiteral("bench"), QStringLiteral("linux"))),
          connection(ConnectionOptions{QUrl(QStringLiteral("wss://bench.invalid:1/v1/ws")), {}}),
          session(connection, identity),
          engine(connection, session, identity, storage.group_states(),
                 storage.key_package_secrets()),
          colleagues(connection),
          recorder(connection, engine, storage.store(), colleagues) {}
    DeviceIdentity identity;
    ServerConnection connection;
    Session session;
    GroupEngine engine;
    ColleagueDirectory colleagues;
    MessageRecorder recorder;
};

std::unique_ptr<AccountStorage> unlock(const QString& dir, const QString& name) {
    const LocalKeyFile file(dir + QLatin1Char('/') + name + QStringLiteral(".key"));
    KeyFileUnlock unlocked = file.unlock(password);
    if (!unlocked.ok()) throw std::runtime_error("the key file does not open");
    return std::make_unique<AccountStorage>(std::move(unlocked.key), dir, account_of(name));
}

long peak_rss_mib() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss / 1024;
}

/// One launch: key file, store, models, the list on screen. Prints "ready <ms phases>".
int launch(const QString& dir) {
    QElapsedTimer t;
    t.start();
    auto storage = unlock(dir, QStringLiteral("launch"));
    const qint64 unlocked_ms = t.elapsed();
    Client client(*storage);
    ConversationListModel conversations(storage->store(), client.recorder);
    QListView view;
    view.setItemDelegate(new wardline::app::ConversationDelegate(&view));
    view.setModel(&conversations);
    view.resize(420, 800);
    view.show();
    if (!QTest::qWaitForWindowExposed(&view)) return 1;
    QApplication::processEvents();
    const qint64 shown_ms = t.elapsed();
    if (conversations.rowCount() != launch_conversations) return 1;
    std::printf("ready unlock_ms=%lld list_ms=%lld total_ms=%lld rss_mib=%ld\n", unlocked_ms,
                shown_ms - unlocked_ms, shown_ms, peak_rss_mib());
    return 0;
}

/// Opens the conversation of 100,000 messages and scrolls to its first message, a page at a
/// time, reading every row as a view would paint it.
int scroll(const QString& dir) {
    auto storage = unlock(dir, QStringLiteral("scroll"));
    Client client(*storage);
    QElapsedTimer t;
    t.start();
    MessageListModel messages(storage->store(), client.recorder, client.colleagues,
                              QStringLiteral("c0000"));
    const qint64 opened_ms = t.elapsed();
    std::vector<double> pages;
    QElapsedTimer page;
    while (messages.canFetchMore({})) {
        page.start();
        messages.fetchMore({});
        for (int r = 0; r < MessageListModel::page_size && r < messages.rowCount(); ++r)
            (void)messages.data(messages.index(r), MessageListModel::BodyRole);
        pages.push_back(static_cast<double>(page.nsecsElapsed()) / 1e6);
    }
    const qint64 total_ms = t.elapsed();
    if (messages.rowCount() != scroll_messages) {
        std::fprintf(stderr, "scrolled to %d rows, not %d\n", messages.rowCount(), scroll_messages);
        return 1;
    }
    std::sort(pages.begin(), pages.end());
    std::printf("scrolled open_ms=%lld pages=%zu page_p50_ms=%.2f page_max_ms=%.2f total_ms=%lld "
                "rss_mib=%ld\n",
                opened_ms, pages.size(), pages[pages.size() / 2], pages.back(), total_ms,
                peak_rss_mib());
    return 0;
}

/// Runs `mode` in a child `runs` times; returns its printed fields per run and the wall time
/// from the start of the process to its answer.
std::vector<std::map<std::string, double>> repeat(const QString& mode, const QString& dir,
                                                  int runs) {
    std::vector<std::map<std::string, double>> out;
    for (int i = 0; i < runs; ++i) {
        QProcess child;
        QElapsedTimer t;
        t.start();
        child.start(QCoreApplication::applicationFilePath(), {mode, dir});
        if (!child.waitForFinished(120'000) || child.exitCode() != 0)
            throw std::runtime_error("the child failed: " +
                                     child.readAllStandardError().toStdString());
        std::map<std::string, double> fields;
        fields["process_ms"] = static_cast<double>(t.elapsed());
        for (const auto& part : QString::fromUtf8(child.readAllStandardOutput()).split(' ')) {
            const auto kv = part.trimmed().split('=');
            if (kv.size() == 2) fields[kv[0].toStdString()] = kv[1].toDouble();
        }
        out.push_back(std::move(fields));
    }
    return out;
}

double median(std::vector<std::map<std::string, double>>& runs, const std::string& field) {
    std::vector<double> values;
    for (auto& r : runs) values.push_back(r[field]);
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const QStringList args = QApplication::arguments();
    try {
        if (args.size() == 3 && args[1] == QLatin1String("launch")) return launch(args[2]);
        if (args.size() == 3 && args[1] == QLatin1String("scroll")) return scroll(args[2]);
        const int runs = args.size() > 1 ? std::max(1, args[1].toInt()) : 5;
        QTemporaryDir dir;
        QElapsedTimer t;
        t.start();
        fill(dir.path(), QStringLiteral("launch"), launch_conversations, launch_messages_each);
        fill(dir.path(), QStringLiteral("scroll"), 1, scroll_messages);
        std::printf("prepared %d + %d messages in %.1f s\n",
                    launch_conversations * launch_messages_each, scroll_messages,
                    static_cast<double>(t.elapsed()) / 1000.0);
        auto launches = repeat(QStringLiteral("launch"), dir.path(), runs);
        std::printf("launch to a shown conversation list (%d conversations, %d messages), "
                    "medians of %d:\n  process start to list shown %.0f ms (key unlock %.0f "
                    "ms, store and list %.0f ms), peak RSS %.0f MiB\n",
                    launch_conversations, launch_conversations * launch_messages_each, runs,
                    median(launches, "process_ms"), median(launches, "unlock_ms"),
                    median(launches, "list_ms"), median(launches, "rss_mib"));
        auto scrolls = repeat(QStringLiteral("scroll"), dir.path(), runs);
        std::printf("a conversation of %d messages, opened and scrolled to its first message, "
                    "medians of %d:\n  open %.1f ms, a page of %d %.2f ms (slowest page %.2f "
                    "ms), all %.0f pages %.0f ms, peak RSS %.0f MiB\n",
                    scroll_messages, runs, median(scrolls, "open_ms"),
                    MessageListModel::page_size, median(scrolls, "page_p50_ms"),
                    median(scrolls, "page_max_ms"), median(scrolls, "pages"),
                    median(scrolls, "total_ms"), median(scrolls, "rss_mib"));
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "client_store_bench: %s\n", e.what());
        return 1;
    }
}
