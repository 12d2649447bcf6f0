// SPDX-License-Identifier: Apache-2.0
#include "client-qt/core/account_opening.hpp"

#include <QThread>

namespace wardline::client {

struct AccountOpening::Work {
    DeviceIdentity identity;
    SessionInfo info;
    QString password;
    SecuredDevice secured;
};

AccountOpening::AccountOpening(std::shared_ptr<DeviceKeeper> keeper, const DeviceIdentity& identity,
                               const SessionInfo& info, const QString& password, Done done,
                               QObject* parent)
    : QObject(parent),
      keeper_(std::move(keeper)),
      work_(std::make_shared<Work>()),
      done_(std::move(done)) {
    work_->identity = identity;
    work_->info = info;
    work_->password = password;
    // The keychain is asked here, on the calling thread (its calls wait in a local event loop,
    // as they always have); only the key file's Argon2id and the files go to the worker.
    keeper_->key_from_keychain(identity, info);
    worker_ = QThread::create([keeper = keeper_, work = work_] {
        work->secured = keeper->secure(work->identity, work->info, work->password);
        work->password.fill(QChar(u'\0'));
        work->password.clear();
        work->identity.forget_secret();
    });
    connect(worker_, &QThread::finished, this, &AccountOpening::on_secured);
    worker_->start();
}

AccountOpening::~AccountOpening() {
    if (worker_) {
        worker_->wait();
        delete worker_;
    }
    work_->password.fill(QChar(u'\0'));
    work_->identity.forget_secret();
}

bool AccountOpening::running() const {
    return worker_ != nullptr && !worker_->isFinished();
}

void AccountOpening::on_secured() {
    KeptAccount kept;
    if (work_->secured.ok)
        kept = keeper_->open(work_->identity.device_id, work_->info);
    else
        kept.error = work_->secured.error;
    auto done = std::move(done_);
    done_ = nullptr;
    if (done) done(std::move(kept));
}

}  // namespace wardline::client
