// SPDX-License-Identifier: Apache-2.0
#include "client-qt/core/keychain_key_store.hpp"

#include <qt6keychain/keychain.h>
#include <QEventLoop>
#include <QTimer>

#include <sodium.h>

#include <memory>
#include <stdexcept>

namespace wardline::client {

namespace {

using Status = KeychainKeyStore::Status;

Status status_of(QKeychain::Error e) {
    switch (e) {
        case QKeychain::NoError:
            return Status::ok;
        case QKeychain::EntryNotFound:
            return Status::not_found;
        case QKeychain::AccessDeniedByUser:
        case QKeychain::AccessDenied:
            return Status::denied;
        case QKeychain::CouldNotDeleteEntry:
        case QKeychain::NoBackendAvailable:
        case QKeychain::NotImplemented:
        case QKeychain::OtherError:
            break;
    }
    return Status::unavailable;
}

/// What a finished job left behind.
struct Outcome {
    bool finished = false;
    QKeychain::Error error = QKeychain::OtherError;
    QString error_text;
    QByteArray data;  ///< read jobs only; zeroed by the caller
};

/// Starts `job` (which deletes itself when done, also after a timeout here) and waits for it.
template <class Job, class OnFinish>
std::shared_ptr<Outcome> run(Job* job, std::chrono::milliseconds timeout, OnFinish on_finish) {
    auto outcome = std::make_shared<Outcome>();
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    QEventLoop loop;
    QObject::connect(job, &QKeychain::Job::finished, &loop,
                     [outcome, on_finish, &loop](QKeychain::Job* j) {
                         outcome->finished = true;
                         outcome->error = j->error();
                         outcome->error_text = QStringLiteral("QtKeychain error %1: %2")
                                                   .arg(static_cast<int>(j->error()))
                                                   .arg(j->errorString());
                         on_finish(*outcome, j);
                         loop.quit();
                     });
    QTimer::singleShot(timeout, &loop, &QEventLoop::quit);
    job->start();
    if (!outcome->finished) loop.exec(QEventLoop::ExcludeUserInputEvents);
    // After a timeout the connection dies with `loop`; the job still deletes itself.
    return outcome;
}

void zero(QByteArray& b) {
    if (!b.isEmpty()) sodium_memzero(b.data(), static_cast<std::size_t>(b.size()));
}

}  // namespace

KeychainKeyStore::Loaded KeychainKeyStore::load(const QString& account) const {
    Loaded result;
    auto* job = new QKeychain::ReadPasswordJob(service_);
    job->setKey(account);
    auto outcome = run(job, timeout_, [](Outcome& o, QKeychain::Job* j) {
        o.data = static_cast<QKeychain::ReadPasswordJob*>(j)->binaryData();
    });
    if (!outcome->finished) {
        last_error_ = QStringLiteral("the keychain did not answer in time");
        return result;
    }
    last_error_ = outcome->error_text;
    result.status = status_of(outcome->error);
    if (result.status == Status::ok) {
        if (static_cast<std::size_t>(outcome->data.size()) != LocalKey::size) {
            result.status = Status::corrupt;
        } else {
            result.key = LocalKey::from_bytes(std::span(
                reinterpret_cast<const unsigned char*>(outcome->data.constData()), LocalKey::size));
        }
    }
    zero(outcome->data);
    return result;
}

KeychainKeyStore::Status KeychainKeyStore::save(const QString& account, const LocalKey& key) const {
    if (key.empty()) throw std::logic_error("saving an empty local key");
    auto* job = new QKeychain::WritePasswordJob(service_);
    job->setKey(account);
    QByteArray copy(reinterpret_cast<const char*>(key.bytes()),
                    static_cast<qsizetype>(LocalKey::size));
    job->setBinaryData(copy);
    zero(copy);
    auto outcome = run(job, timeout_, [](Outcome&, QKeychain::Job*) {});
    if (!outcome->finished) {
        last_error_ = QStringLiteral("the keychain did not answer in time");
        return Status::unavailable;
    }
    last_error_ = outcome->error_text;
    return status_of(outcome->error);
}

KeychainKeyStore::Status KeychainKeyStore::remove(const QString& account) const {
    auto* job = new QKeychain::DeletePasswordJob(service_);
    job->setKey(account);
    auto outcome = run(job, timeout_, [](Outcome&, QKeychain::Job*) {});
    if (!outcome->finished) {
        last_error_ = QStringLiteral("the keychain did not answer in time");
        return Status::unavailable;
    }
    last_error_ = outcome->error_text;
    const auto s = status_of(outcome->error);
    return s == Status::not_found ? Status::ok : s;
}

}  // namespace wardline::client
