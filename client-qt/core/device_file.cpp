// SPDX-License-Identifier: Apache-2.0
#include "client-qt/core/device_file.hpp"

#include "client-qt/core/row_binding.hpp"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <sodium.h>

#include <stdexcept>

namespace wardline::client {

namespace {

const QByteArray magic("WLDEVICE");
constexpr char version_1 = 1;
constexpr qsizetype max_field = 1024;

QByteArray header_v1() {
    QByteArray h = magic;
    h.append(version_1);
    h.append(3, '\0');
    return h;
}

void put(QByteArray& out, QByteArrayView field) {
    const auto n = static_cast<quint16>(field.size());
    out.append(static_cast<char>(n >> 8));
    out.append(static_cast<char>(n & 0xff));
    out.append(field);
}

/// Reads one length-prefixed field at `pos`; false when it runs past the end.
bool take(QByteArrayView in, qsizetype& pos, QByteArray& field) {
    if (in.size() - pos < 2) return false;
    const auto n = static_cast<qsizetype>((static_cast<unsigned char>(in[pos]) << 8) |
                                          static_cast<unsigned char>(in[pos + 1]));
    pos += 2;
    if (n > max_field || in.size() - pos < n) return false;
    field = in.sliced(pos, n).toByteArray();
    pos += n;
    return true;
}

/// The device's fields in order: id, user id, name, platform, public key, secret key.
QByteArray encode(const KeptDevice& d) {
    QByteArray out;
    put(out, d.identity.device_id.toUtf8());
    put(out, d.user_id.toUtf8());
    put(out, d.identity.name.toUtf8());
    put(out, d.identity.platform.toUtf8());
    put(out, d.identity.public_key);
    put(out, d.identity.secret_key);
    return out;
}

bool keys_match(const QByteArray& public_key, const QByteArray& secret_key) {
    if (public_key.size() != crypto_sign_PUBLICKEYBYTES ||
        secret_key.size() != crypto_sign_SECRETKEYBYTES)
        return false;
    unsigned char derived[crypto_sign_PUBLICKEYBYTES];
    crypto_sign_ed25519_sk_to_pk(derived,
                                 reinterpret_cast<const unsigned char*>(secret_key.constData()));
    return sodium_memcmp(derived, public_key.constData(), sizeof derived) == 0;
}

void wipe(QByteArray& b) noexcept {
    if (!b.isEmpty()) sodium_memzero(b.data(), static_cast<size_t>(b.size()));
    b.clear();
}

}  // namespace

QString DeviceAccount::file_id() const {
    if (sodium_init() < 0) throw std::runtime_error("libsodium cannot be initialised");
    const QByteArray in =
        row_binding({"device-account", server.toUtf8(), organization.toUtf8(), username.toUtf8()});
    unsigned char h[16];
    crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(in.constData()),
                       static_cast<unsigned long long>(in.size()), nullptr, 0);
    return QString::fromLatin1(QByteArray(reinterpret_cast<const char*>(h), sizeof h).toHex());
}

QString DeviceAccount::keychain_name() const {
    return organization + QLatin1Char('/') + username + QLatin1Char('@') + server;
}

QString describe(DeviceFileError error) {
    switch (error) {
        case DeviceFileError::none:
            return {};
        case DeviceFileError::not_found:
            return QStringLiteral("This computer has no device kept for this account yet.");
        case DeviceFileError::unreadable:
            return QStringLiteral(
                "Wardline cannot read this account's device file; check the permissions of "
                "Wardline's data folder.");
        case DeviceFileError::too_large:
        case DeviceFileError::truncated:
        case DeviceFileError::not_a_device:
        case DeviceFileError::damaged:
        case DeviceFileError::malformed:
            return QStringLiteral(
                "This account's device file on this computer is damaged or was altered. "
                "Wardline does not use it: this computer signs in as a new device, and its old "
                "messages on this computer are erased. Tell IT if this keeps happening.");
        case DeviceFileError::newer_version:
            return QStringLiteral(
                "This account's device file was made by a newer Wardline; update Wardline.");
        case DeviceFileError::write_failed:
            return QStringLiteral(
                "Wardline cannot save this computer's device; check the free space and the "
                "permissions of Wardline's data folder.");
    }
    return {};
}

DeviceFile::DeviceFile(const QString& directory, DeviceAccount account)
    : account_(std::move(account)),
      path_(
          QDir(directory).filePath(QStringLiteral("device-%1.wldevice").arg(account_.file_id()))) {}

bool DeviceFile::exists() const {
    return QFile::exists(path_);
}

QByteArray DeviceFile::associated(QByteArrayView header) const {
    QByteArray ad = header.toByteArray();
    ad += row_binding({"device-file", account_.server.toUtf8(), account_.organization.toUtf8(),
                       account_.username.toUtf8()});
    return ad;
}

DeviceFileRead DeviceFile::read(const LocalKey& key) const {
    DeviceFileRead result;
    QFile in(path_);
    if (!in.exists()) {
        result.error = DeviceFileError::not_found;
        return result;
    }
    if (!in.open(QIODevice::ReadOnly)) {
        result.error = DeviceFileError::unreadable;
        return result;
    }
    if (in.size() > max_file_size) {
        result.error = DeviceFileError::too_large;
        return result;
    }
    const QByteArray bytes = in.read(max_file_size + 1);
    const qsizetype smallest = header_size + static_cast<qsizetype>(LocalKey::seal_overhead);
    if (bytes.size() > max_file_size) {
        result.error = DeviceFileError::too_large;
        return result;
    }
    if (bytes.size() < smallest) {
        result.error = bytes.startsWith(magic) || magic.startsWith(bytes)
                           ? DeviceFileError::truncated
                           : DeviceFileError::not_a_device;
        return result;
    }
    if (!bytes.startsWith(magic)) {
        result.error = DeviceFileError::not_a_device;
        return result;
    }
    if (bytes[magic.size()] != version_1) {
        result.error = bytes[magic.size()] > version_1 ? DeviceFileError::newer_version
                                                       : DeviceFileError::not_a_device;
        return result;
    }
    const QByteArrayView header(bytes.constData(), header_size);
    if (header != QByteArrayView(header_v1())) {
        result.error = DeviceFileError::damaged;
        return result;
    }
    auto opened = key.open(QByteArrayView(bytes).sliced(header_size), associated(header));
    if (!opened) {
        result.error = DeviceFileError::damaged;
        return result;
    }
    QByteArray fields[6];
    qsizetype pos = 0;
    bool ok = true;
    for (auto& f : fields) ok = ok && take(*opened, pos, f);
    ok = ok && pos == opened->size();
    wipe(*opened);
    KeptDevice& d = result.device;
    if (ok) {
        d.identity.device_id = QString::fromUtf8(fields[0]);
        d.user_id = QString::fromUtf8(fields[1]);
        d.identity.name = QString::fromUtf8(fields[2]);
        d.identity.platform = QString::fromUtf8(fields[3]);
        d.identity.public_key = fields[4];
        d.identity.secret_key = fields[5];
        ok = !d.identity.device_id.isEmpty() &&
             keys_match(d.identity.public_key, d.identity.secret_key);
    }
    wipe(fields[5]);
    if (!ok) {
        d.identity.forget_secret();
        result.device = {};
        result.error = DeviceFileError::malformed;
    }
    return result;
}

DeviceFileError DeviceFile::write(const KeptDevice& device, const LocalKey& key) const {
    if (device.identity.device_id.isEmpty() ||
        !keys_match(device.identity.public_key, device.identity.secret_key))
        throw std::invalid_argument("a kept device needs an id and a matching key pair");
    QByteArray plain = encode(device);
    const QByteArray header = header_v1();
    QByteArray file = header + key.seal(plain, associated(header));
    wipe(plain);
    // The folder is the user's alone, as the local store makes it.
    const QString folder = QFileInfo(path_).absolutePath();
    if (!QDir().mkpath(folder) ||
        !QFile::setPermissions(
            folder, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner))
        return DeviceFileError::write_failed;
    QSaveFile out(path_);
    if (!out.open(QIODevice::WriteOnly)) return DeviceFileError::write_failed;
    // QSaveFile writes a temporary file and renames it over the old one on commit().
    if (!out.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)) {
        out.cancelWriting();
        return DeviceFileError::write_failed;
    }
    if (out.write(file) != file.size() || !out.commit()) return DeviceFileError::write_failed;
    if (!QFile::setPermissions(path_, QFileDevice::ReadOwner | QFileDevice::WriteOwner))
        return DeviceFileError::write_failed;
    return DeviceFileError::none;
}

bool DeviceFile::remove() const {
    QFile f(path_);
    if (!f.exists()) return true;
    if (f.open(QIODevice::ReadWrite)) {
        const QByteArray zeros(f.size(), '\0');
        f.write(zeros);
        f.flush();
        f.close();
    }
    f.remove();
    return !QFile::exists(path_);
}

}  // namespace wardline::client
