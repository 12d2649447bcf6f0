// SPDX-License-Identifier: Apache-2.0
// GoogleTest's main with a QCoreApplication, so client-core objects have an event loop.
#include <QCoreApplication>

#include <gtest/gtest.h>

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
