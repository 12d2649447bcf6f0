// SPDX-License-Identifier: Apache-2.0
// Layout and palette of the application's views (issue #6, "Accessibility: ... high-DPI;
// follows the system's light or dark palette"; docs/client.md, "Palette and layout"), on the
// offscreen platform against a real server: the user detail panel's roles each get the room
// they ask for at the window's own size; with a dark palette set on the application, no
// widget carries a colour of its own, every row of the chat's lists (critical, urgent, own,
// awaiting acknowledgement) keeps its text readable on its tint (WCAG contrast of 4.5 or
// more) while the tint still shows, and the offline presence ring shows on the dark base.
// The palette helpers are checked on a light and a dark palette alike.
#include "client-qt/app/chat_delegates.hpp"
#include "client-qt/app/chat_view.hpp"
#include "client-qt/app/directory_view.hpp"
#include "client-qt/app/main_shell.hpp"
#include "client-qt/app/palette_colors.hpp"
#include "client-qt/app/presence_icon.hpp"
#include "client-qt/app/user_admin_view.hpp"
#include "client-qt/app/user_detail_panel.hpp"
#include "client-qt/core/conversation_list_model.hpp"
#include "client-qt/core/message_list_model.hpp"
#include "tests/client/app_window_driver.hpp"
#include "tests/client/operation_waits.hpp"

#include <QApplication>
#include <QCheckBox>
#include <QGroupBox>
#include <QImage>
#include <QListView>
#include <QTabWidget>
#include <QTableView>

namespace wardline::test {
namespace {

using namespace std::chrono_literals;
using app::contrast_ratio;
using app::kMinimumTextContrast;
using client::MessageListModel;

QPalette dark_palette() {
    QPalette p;
    const QColor window(0x2b, 0x2b, 0x2b), text(0xe8, 0xe8, 0xe8), base(0x1e, 0x1e, 0x1e);
    for (auto group : {QPalette::Active, QPalette::Inactive, QPalette::Disabled}) {
        p.setColor(group, QPalette::Window, window);
        p.setColor(group, QPalette::WindowText, text);
        p.setColor(group, QPalette::Base, base);
        p.setColor(group, QPalette::AlternateBase, QColor(0x26, 0x26, 0x26));
        p.setColor(group, QPalette::Text, text);
        p.setColor(group, QPalette::Button, QColor(0x35, 0x35, 0x35));
        p.setColor(group, QPalette::ButtonText, text);
        p.setColor(group, QPalette::ToolTipBase, window);
        p.setColor(group, QPalette::ToolTipText, text);
        p.setColor(group, QPalette::PlaceholderText, QColor(0x9a, 0x9a, 0x9a));
        p.setColor(group, QPalette::Highlight, QColor(0x2f, 0x65, 0xca));
        p.setColor(group, QPalette::HighlightedText, Qt::white);
        p.setColor(group, QPalette::BrightText, Qt::white);
        p.setColor(group, QPalette::Link, QColor(0x8a, 0xb4, 0xf8));
    }
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, QColor(0x8c, 0x8c, 0x8c));
    return p;
}

QPalette light_palette() {
    QPalette p;
    for (auto group : {QPalette::Active, QPalette::Inactive}) {
        p.setColor(group, QPalette::Window, QColor(0xef, 0xef, 0xef));
        p.setColor(group, QPalette::WindowText, Qt::black);
        p.setColor(group, QPalette::Base, Qt::white);
        p.setColor(group, QPalette::Text, Qt::black);
    }
    return p;
}

/// The delegates' style options, as the views compute them before painting.
struct MessageProbe : app::MessageDelegate {
    using MessageDelegate::initStyleOption;
};
struct ConversationProbe : app::ConversationDelegate {
    using ConversationDelegate::initStyleOption;
};

struct RowColours {
    QColor text;
    QColor background;
    bool tinted = false;
};

template <typename Probe>
RowColours colours_of(QListView* view, const QModelIndex& index) {
    Probe probe;
    QStyleOptionViewItem option;
    option.initFrom(view->viewport());
    probe.initStyleOption(&option, index);
    RowColours c;
    c.text = option.palette.color(QPalette::Active, QPalette::Text);
    c.tinted = option.backgroundBrush.style() != Qt::NoBrush;
    c.background = c.tinted ? option.backgroundBrush.color()
                            : option.palette.color(QPalette::Active, QPalette::Base);
    return c;
}

/// Every row of `view` reads at 4.5:1 at least; returns how many rows were tinted.
template <typename Probe>
int expect_readable_rows(QListView* view, const char* what) {
    int tinted = 0;
    const QColor base = view->palette().color(QPalette::Active, QPalette::Base);
    for (int row = 0; row < view->model()->rowCount(); ++row) {
        const RowColours c = colours_of<Probe>(view, view->model()->index(row, 0));
        EXPECT_GE(contrast_ratio(c.text, c.background), kMinimumTextContrast)
            << what << " row " << row << ": text " << c.text.name().toStdString() << " on "
            << c.background.name().toStdString();
        if (c.tinted) {
            ++tinted;
            EXPECT_GE(contrast_ratio(c.background, base), 1.1)
                << what << " row " << row << ": the tint does not show on the base";
        }
    }
    return tinted;
}

/// No widget of `window` sets a colour of its own (a style sheet), and every widget's palette
/// keeps its text readable on its own background.
void expect_palette_everywhere(QWidget* window, const char* when) {
    for (QWidget* w : window->findChildren<QWidget*>()) {
        const QString sheet = w->styleSheet();
        EXPECT_FALSE(sheet.contains("color", Qt::CaseInsensitive) ||
                     sheet.contains("background", Qt::CaseInsensitive))
            << when << ": " << w->metaObject()->className() << " " << w->objectName().toStdString()
            << " sets its own colours: " << sheet.toStdString();
        const QPalette& p = w->palette();
        EXPECT_GE(contrast_ratio(p.color(QPalette::Active, QPalette::WindowText),
                                 p.color(QPalette::Active, QPalette::Window)),
                  kMinimumTextContrast)
            << when << ": " << w->metaObject()->className() << " " << w->objectName().toStdString();
        EXPECT_GE(contrast_ratio(p.color(QPalette::Active, QPalette::Text),
                                 p.color(QPalette::Active, QPalette::Base)),
                  kMinimumTextContrast)
            << when << ": " << w->metaObject()->className() << " " << w->objectName().toStdString();
    }
}

class ClientAppPalette : public AppWindowTest {
protected:
    void TearDown() override {
        QApplication::setPalette(original_);
        AppWindowTest::TearDown();
    }
    QPalette original_ = QApplication::palette();
};

class ClientAppLayout : public AppWindowTest {};

TEST(PaletteColors, TintsAndWarningsReadOnLightAndDarkPalettes) {
    EXPECT_NEAR(contrast_ratio(Qt::black, Qt::white), 21.0, 0.01);
    EXPECT_NEAR(contrast_ratio(Qt::white, Qt::white), 1.0, 0.01);
    EXPECT_NEAR(contrast_ratio(QColor(0x76, 0x76, 0x76), Qt::white), 4.54, 0.02);
    for (const auto& [name, palette] :
         {std::pair{"light", light_palette()}, std::pair{"dark", dark_palette()}}) {
        const QColor base = palette.color(QPalette::Active, QPalette::Base);
        const QColor text = palette.color(QPalette::Active, QPalette::Text);
        for (const auto tint : {app::Tint::critical, app::Tint::urgent, app::Tint::own}) {
            const QColor tinted = app::tinted_base(palette, tint);
            EXPECT_GE(contrast_ratio(text, tinted), kMinimumTextContrast) << name;
            EXPECT_GE(contrast_ratio(tinted, base), 1.1) << name << ": the tint shows";
        }
        EXPECT_NE(app::tinted_base(palette, app::Tint::critical),
                  app::tinted_base(palette, app::Tint::urgent));
        const QColor warning = app::warning_text(palette);
        EXPECT_GE(contrast_ratio(warning, palette.color(QPalette::Active, QPalette::Window)),
                  kMinimumTextContrast)
            << name;
        EXPECT_GT(warning.red(), warning.blue()) << name << ": still a red";
    }
    // A palette whose text barely reads on its base gets no tint that would make it worse.
    QPalette grey;
    grey.setColor(QPalette::Active, QPalette::Base, QColor(0x80, 0x80, 0x80));
    grey.setColor(QPalette::Active, QPalette::Text, QColor(0x20, 0x20, 0x20));
    const double plain = contrast_ratio(QColor(0x20, 0x20, 0x20), QColor(0x80, 0x80, 0x80));
    EXPECT_GE(contrast_ratio(QColor(0x20, 0x20, 0x20), app::tinted_base(grey, app::Tint::critical)),
              std::min(plain, kMinimumTextContrast) - 0.01);
}

TEST(PaletteColors, TheOfflineRingShowsOnADarkBase) {
    const QPalette dark = dark_palette();
    const QImage ring = app::presence_icon("offline", dark).pixmap(16, 16).toImage();
    double best = 0;
    for (int y = 0; y < ring.height(); ++y)
        for (int x = 0; x < ring.width(); ++x) {
            const QColor c = ring.pixelColor(x, y);
            if (c.alpha() >= 200)
                best =
                    std::max(best, contrast_ratio(c, dark.color(QPalette::Active, QPalette::Base)));
        }
    EXPECT_GE(best, 3.0) << "WCAG's 3:1 for the parts of an icon that carry meaning";
}

TEST_F(ClientAppLayout, EveryRoleInTheUserDetailPanelGetsTheRoomItAsksFor) {
    start();
    create_org("General");
    TestUser admin = enroll("General", "ada.admin", "admin");
    auto w = open_window();
    sign_in_with_recovery(*w, admin, 0);
    auto* users = w->shell()->user_admin();
    ASSERT_NE(users, nullptr);
    w->shell()->tabs()->setCurrentWidget(users);
    ASSERT_TRUE(qt_wait_for([&] { return users->model().rowCount() == 1; }));
    // As an administrator sees it after creating a user: the one-time password panel is open
    // too, and a user is selected.
    type(users, "newUsernameField", "bob.builder");
    type(users, "newDisplayNameField", "Bob Builder");
    click(users, "createUserButton");
    ASSERT_TRUE(qt_wait_for([&] { return users->model().rowCount() == 2; }))
        << users->status().toStdString();
    ASSERT_TRUE(find<QWidget>(users, "oneTimePasswordPanel")->isVisible());
    find<QTableView>(users, "userTable")->selectRow(0);
    auto& detail = users->detail();
    ASSERT_TRUE(qt_wait_for([&] { return detail.lists_loaded(); }));
    QCoreApplication::processEvents();
    // The window fits a 1366x768 screen (a taskbar and title bar take the rest) and a
    // 1280-wide one; whatever does not fit scrolls rather than squeezing the roles.
    const QSize smallest = w->minimumSizeHint();
    EXPECT_LE(smallest.height(), 680) << "the window needs " << smallest.height() << " px";
    EXPECT_LE(smallest.width(), 1280) << "the window needs " << smallest.width() << " px";
    for (const QSize size : {w->size(), smallest}) {
        w->resize(size);
        QCoreApplication::processEvents();
        auto* box = find<QGroupBox>(&detail, "userRolesBox");
        ASSERT_NE(box, nullptr);
        const auto checks = box->findChildren<QCheckBox*>();
        ASSERT_EQ(checks.size(), 6);
        for (QCheckBox* c : checks) {
            EXPECT_GE(c->height(), c->sizeHint().height())
                << c->text().toStdString() << " is squeezed at " << size.width() << "x"
                << size.height();
            EXPECT_GE(c->width(), c->sizeHint().width())
                << c->text().toStdString() << " is cut at " << size.width() << "x" << size.height();
            EXPECT_TRUE(box->contentsRect().contains(c->geometry()))
                << c->text().toStdString() << " spills out of the box";
            for (QCheckBox* other : checks) {
                if (other == c) continue;
                EXPECT_FALSE(c->geometry().intersects(other->geometry()))
                    << c->text().toStdString() << " overlaps " << other->text().toStdString();
            }
        }
        auto* save = find<QPushButton>(box, "saveRolesButton");
        EXPECT_GE(save->height(), save->sizeHint().height());
        EXPECT_GE(box->height(), box->minimumSizeHint().height());
    }
    snapshot(w.get(), "users-view-roles");
}

TEST_F(ClientAppPalette, TheChatAndDirectoryOnADarkPaletteKeepEveryRowReadable) {
    QApplication::setPalette(dark_palette());
    start();
    create_org("General");
    TestUser admin = enroll("General", "ada.admin", "admin");
    TestUser bob = enroll("General", "bob.nurse", "nurse");
    enroll("General", "carol.nurse", "nurse");  // offline, in the directory
    auto wa = open_window();
    sign_in_with_recovery(*wa, admin, 0);
    auto wb = open_window();
    sign_in_with_recovery(*wb, bob, 0);
    ASSERT_TRUE(qt_wait_for([&] { return ready_for_peers(wb->shell()->engine()); }, 20s));
    auto* chat_a = wa->shell()->chat();
    auto* chat_b = wb->shell()->chat();
    chat_a->open_direct(QString::fromStdString(bob.id));
    ASSERT_TRUE(qt_wait_for([&] { return !chat_a->open_conversation_id().isEmpty(); }, 20s))
        << chat_a->status().toStdString();
    const QString conv = chat_a->open_conversation_id();
    for (const auto& [text, priority] :
         {std::pair{"Rounds at 9", "routine"}, std::pair{"Bed 2 BP 80/50", "urgent"},
          std::pair{"Bed 5 not breathing", "critical"}}) {
        std::optional<client::OperationResult> sent;
        wa->shell()->recorder().send(conv, text, priority,
                                     [&](const client::OperationResult& r) { sent = r; });
        ASSERT_TRUE(qt_wait_for([&] { return sent.has_value(); }, 20s));
        ASSERT_TRUE(sent->ok) << sent->error_code.toStdString();
    }
    ASSERT_TRUE(qt_wait_for([&] { return chat_b->conversations().row_of(conv) >= 0; }, 20s));
    chat_b->open(conv);
    ASSERT_TRUE(qt_wait_for([&] { return chat_b->messages()->rowCount() == 3; }, 20s));
    ASSERT_TRUE(qt_wait_for([&] {
        const auto& list = chat_b->conversations();
        return list.index(list.row_of(conv)).data(client::ConversationListModel::BadgeRole) == 2;
    }));

    // The recipient: the critical and urgent rows are tinted, the badge row too.
    EXPECT_EQ(expect_readable_rows<MessageProbe>(find<QListView>(chat_b, "messageList"),
                                                 "recipient's messages"),
              2);
    EXPECT_EQ(expect_readable_rows<ConversationProbe>(find<QListView>(chat_b, "conversationList"),
                                                      "recipient's conversations"),
              1);
    // The sender: her own three rows (own, urgent, critical).
    EXPECT_EQ(expect_readable_rows<MessageProbe>(find<QListView>(chat_a, "messageList"),
                                                 "sender's messages"),
              3);
    // Each tint differs from the others.
    auto* list_b = find<QListView>(chat_b, "messageList");
    EXPECT_NE(colours_of<MessageProbe>(list_b, list_b->model()->index(1, 0)).background,
              colours_of<MessageProbe>(list_b, list_b->model()->index(2, 0)).background);

    // The directory's rows and icons on the dark base.
    auto* directory = wa->shell()->directory();
    wa->shell()->tabs()->setCurrentWidget(directory);
    directory->search();
    ASSERT_TRUE(qt_wait_for(
        [&] { return !directory->model().busy() && directory->model().rowCount() == 2; }));
    expect_palette_everywhere(wa.get(), "administrator's window");
    expect_palette_everywhere(wb.get(), "nurse's window");
    wa->shell()->tabs()->setCurrentWidget(chat_a);
    snapshot(wb.get(), "chat-dark");
}

}  // namespace
}  // namespace wardline::test
