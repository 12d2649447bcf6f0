// SPDX-License-Identifier: Apache-2.0
#include "client-qt/core/key_package_stock.hpp"

#include "client-qt/core/group_record.hpp"
#include "client-qt/core/mls_wire.hpp"
#include "common/mls/welcome.hpp"

#include <QJsonArray>
#include <QLoggingCategory>
#include <QPointer>

namespace wardline::client {
namespace {

Q_LOGGING_CATEGORY(lcStock, "wardline.key_packages")

// A refusal that will not change on a retry: the uploaded keys are of no use.
bool definitive(const QString& code) {
    return code != QLatin1String("unavailable") && code != QLatin1String("timeout");
}

}  // namespace

KeyPackageStock::KeyPackageStock(ServerConnection& connection, KeyPackageSecretStore& secrets,
                                 KeyPackageStockOptions options, QObject* parent)
    : QObject(parent), connection_(connection), secrets_(secrets), options_(options) {
    if (options_.batch < 1) options_.batch = 1;
    if (options_.batch > 100) options_.batch = 100;
    QObject::connect(&connection_, &ServerConnection::event, this, &KeyPackageStock::on_event);
}

void KeyPackageStock::set_device(const MlsDevice& device) {
    device_ = device;
}

void KeyPackageStock::check() {
    if (!device_) return;
    if (busy_) {
        again_ = true;
        return;
    }
    busy_ = true;
    again_ = false;
    // The stock may be gone when the answer comes: QPointer tells.
    QPointer<KeyPackageStock> self(this);
    connection_.request(
        QStringLiteral("key_packages.status"), {}, [this, self](const ServerResponse& r) {
            if (!self) return;
            if (!r.ok) {
                busy_ = false;
                ++checks_;
                emit failed(r.error_code);
                return;
            }
            const bool low = r.body.value(QLatin1String("low")).toBool(true);
            const bool has_last_resort = r.body.value(QLatin1String("last_resort")).toBool(false);
            if (low || !has_last_resort) {
                upload(!has_last_resort);
                return;
            }
            busy_ = false;
            ++checks_;
            if (again_) check();
        });
}

void KeyPackageStock::upload(bool with_last_resort) {
    const mls::CipherSuite& cs = *mls::suite_for(mls::kSuite3);
    QJsonArray regular;
    QString last_resort;
    std::vector<QByteArray> refs;
    const int count = options_.batch + (with_last_resort ? 1 : 0);
    for (int i = 0; i < count; ++i) {
        auto bundle = device_->key_package(options_.lifetime_seconds);
        auto ref = bundle ? mls::key_package_ref(cs, bundle->key_package)
                          : mls::Result<mls::Bytes>(bundle.error());
        if (!ref) {
            qCWarning(lcStock) << "cannot make a KeyPackage:" << mls::to_string(ref.error()).data();
            break;
        }
        const bool is_last_resort = with_last_resort && i == count - 1;
        const KeyPackageSecrets secrets{is_last_resort, bundle->key_package,
                                        bundle->init_private_key, bundle->encryption_private_key};
        // The keys are kept before the KeyPackage leaves the device: a Welcome made for it
        // can come at any time after the upload, also after a restart.
        const QByteArray key = to_qbytes(*ref);
        if (!secrets_.save(key, encode_key_package_secrets(secrets))) {
            emit storageFailed();
            break;
        }
        refs.push_back(key);
        const QString text = mls_to_base64(
            mls::MLSMessage{mls::ProtocolVersion::mls10, std::move(bundle->key_package)});
        if (is_last_resort)
            last_resort = text;
        else
            regular.append(text);
    }
    if (regular.isEmpty()) {
        for (const auto& key : refs) secrets_.erase(key);
        busy_ = false;
        ++checks_;
        emit failed(QStringLiteral("key_package_failed"));
        return;
    }
    QJsonObject body{{QStringLiteral("key_packages"), regular}};
    if (!last_resort.isEmpty()) body.insert(QStringLiteral("last_resort"), last_resort);
    QPointer<KeyPackageStock> self(this);
    connection_.request(
        QStringLiteral("key_packages.upload"), body, [this, self, refs](const ServerResponse& r) {
            if (!self) return;
            busy_ = false;
            ++checks_;
            if (!r.ok) {
                qCWarning(lcStock) << "KeyPackage upload refused:" << r.error_code;
                if (definitive(r.error_code))
                    for (const auto& key : refs) secrets_.erase(key);
                emit failed(r.error_code);
                return;
            }
            ++uploads_;
            const int stored = r.body.value(QLatin1String("stored")).toInt();
            const int available = r.body.value(QLatin1String("available")).toInt();
            qCInfo(lcStock) << "uploaded" << stored << "KeyPackages," << available << "available";
            emit uploaded(stored, available);
            if (again_) check();
        });
}

std::optional<KeyPackageStock::Found> KeyPackageStock::bundle_for(const mls::Welcome& welcome) {
    if (!device_ || welcome.cipher_suite != mls::kSuite3) return std::nullopt;
    for (const auto& entry : welcome.secrets) {
        const QByteArray key = to_qbytes(entry.new_member);
        const auto stored = secrets_.load(key);
        if (!stored) continue;
        auto secrets = decode_key_package_secrets(*stored);
        if (!secrets) {
            qCWarning(lcStock) << "a stored KeyPackage record is unreadable";
            continue;
        }
        Found found;
        found.ref = key;
        found.last_resort = secrets->last_resort;
        found.bundle.key_package = std::move(secrets->key_package);
        found.bundle.init_private_key = std::move(secrets->init_private_key);
        found.bundle.encryption_private_key = std::move(secrets->encryption_private_key);
        found.bundle.signature_private_key = device_->signature_key.private_key;
        return found;
    }
    return std::nullopt;
}

void KeyPackageStock::consumed(const Found& found) {
    if (found.last_resort) return;
    if (!secrets_.erase(found.ref)) emit storageFailed();
}

void KeyPackageStock::on_event(const ServerEvent& e) {
    if (e.type == QLatin1String("key_packages.low")) check();
}

}  // namespace wardline::client
