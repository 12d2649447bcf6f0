// SPDX-License-Identifier: Apache-2.0
// `wardline`, the desktop client (issue #6). Options prefill the sign-in screen; --ca-file
// names the organization's CA when the server's certificate is not from a public CA.
#include "client-qt/app/main_window.hpp"

#include <QApplication>
#include <QCommandLineParser>

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Wardline"));
    QApplication::setOrganizationName(QStringLiteral("Wardline"));
    QApplication::setApplicationVersion(QStringLiteral(WARDLINE_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Wardline secure clinical messaging"));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption server({QStringLiteral("s"), QStringLiteral("server")},
                                    QStringLiteral("Server address (host or host:port)."),
                                    QStringLiteral("address"));
    const QCommandLineOption organization({QStringLiteral("o"), QStringLiteral("organization")},
                                          QStringLiteral("Organization name."),
                                          QStringLiteral("name"));
    const QCommandLineOption username({QStringLiteral("u"), QStringLiteral("username")},
                                      QStringLiteral("Username."), QStringLiteral("name"));
    const QCommandLineOption ca_file(QStringLiteral("ca-file"),
                                     QStringLiteral("PEM file of the organization's CA."),
                                     QStringLiteral("file"));
    parser.addOptions({server, organization, username, ca_file});
    parser.process(app);

    wardline::app::AppOptions options;
    options.server = parser.value(server);
    options.organization = parser.value(organization);
    options.username = parser.value(username);
    options.ca_file = parser.value(ca_file);
    wardline::app::MainWindow window(options);
    window.show();
    return QApplication::exec();
}
