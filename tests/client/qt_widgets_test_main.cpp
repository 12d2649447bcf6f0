// SPDX-License-Identifier: Apache-2.0
// GoogleTest's main with a QApplication for the widget tests, on the offscreen platform unless
// the environment names another (ctest sets QT_QPA_PLATFORM=offscreen as well; see below).
#include <QApplication>

#include <gtest/gtest.h>

int main(int argc, char** argv) {
    // WARDLINE_TEST_QPA overrides ctest's choice: tools/screenshots.sh runs these tests on
    // Xvfb (platform xcb) to take the screenshots in docs/screenshots.
    if (const QByteArray p = qgetenv("WARDLINE_TEST_QPA"); !p.isEmpty())
        qputenv("QT_QPA_PLATFORM", p);
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
