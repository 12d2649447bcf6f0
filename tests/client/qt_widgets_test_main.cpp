// SPDX-License-Identifier: Apache-2.0
// GoogleTest's main with a QApplication for the widget tests, on the offscreen platform unless
// the environment names another (ctest sets QT_QPA_PLATFORM=offscreen as well).
#include <QApplication>

#include <gtest/gtest.h>

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
