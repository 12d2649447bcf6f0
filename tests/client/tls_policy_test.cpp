// SPDX-License-Identifier: Apache-2.0
#include "client-qt/core/tls_policy.hpp"

#include <gtest/gtest.h>

namespace wardline::client {
namespace {

const QString kData = QStringLiteral(WARDLINE_TEST_DATA);

TEST(TlsPolicy, TheSystemStoreByDefaultAndOnlyTheOrganizationCaWithACaFile) {
    const auto system = make_tls_configuration({});
    ASSERT_TRUE(system.config) << system.error.toStdString();
    EXPECT_EQ(system.config->peerVerifyMode(), QSslSocket::VerifyPeer);
    // No explicit list: Qt consults the system store (loading its roots on demand).
    EXPECT_TRUE(system.config->caCertificates().isEmpty());

    const auto org = make_tls_configuration({kData + "/test_ca.pem", {}});
    ASSERT_TRUE(org.config) << org.error.toStdString();
    ASSERT_EQ(org.config->caCertificates().size(), 1);
    EXPECT_EQ(org.config->caCertificates().first().subjectInfo(QSslCertificate::CommonName),
              QStringList{"Wardline test CA"});
}

TEST(TlsPolicy, RefusesAMissingOrEmptyCaFileAndMalformedPins) {
    auto missing = make_tls_configuration({kData + "/no_such_file.pem", {}});
    EXPECT_FALSE(missing.config);
    EXPECT_EQ(missing.error, "the CA file cannot be read");
    auto directory = make_tls_configuration({kData, {}});
    EXPECT_FALSE(directory.config);
    auto garbage = make_tls_configuration({kData + "/not_a_certificate.pem", {}});
    EXPECT_FALSE(garbage.config);
    EXPECT_EQ(garbage.error, "the CA file holds no PEM certificate");
    auto short_pin = make_tls_configuration({{}, {QByteArray(31, 'x')}});
    EXPECT_FALSE(short_pin.config);
}

TEST(TlsPolicy, PinsTheSha256OfThePublicKeyAsOpensslComputesIt) {
    const auto certs = QSslCertificate::fromPath(kData + "/test_ca.pem");
    ASSERT_EQ(certs.size(), 1);
    // openssl x509 -pubkey -noout | openssl pkey -pubin -outform DER | sha256sum
    const auto expected =
        QByteArray::fromHex("e2024909c1d43610f10e75f7b2eb423b2348c71e526bb1beb1b7e36fbb6c6c65");
    EXPECT_EQ(public_key_pin(certs.first()), expected);
    EXPECT_TRUE(pin_matches({{}, {}}, certs.first())) << "no pins: anything the CAs trust";
    EXPECT_TRUE(pin_matches({{}, {QByteArray(32, '\0'), expected}}, certs.first()));
    EXPECT_FALSE(pin_matches({{}, {QByteArray(32, '\0')}}, certs.first()));
    EXPECT_FALSE(pin_matches({{}, {expected}}, QSslCertificate()));
}

}  // namespace
}  // namespace wardline::client
