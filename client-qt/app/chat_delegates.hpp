// SPDX-License-Identifier: Apache-2.0
#pragma once
// How a conversation and a message look in their lists (docs/client.md, "Chat views"). Every
// colour has its words too, for colour-blind users and screen readers: a critical message
// says CRITICAL, an unread count is a number, an acknowledgement is spelled out. The tints come
// from the view's palette (palette_colors.hpp), so they work on light and dark palettes.
#include <QStyledItemDelegate>

namespace wardline::app {

/// Title, last activity, unread count and the badge of messages awaiting acknowledgement.
class ConversationDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    /// The text a row shows (also its accessible text).
    static QString text_of(const QModelIndex& index);

protected:
    void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override;
};

/// Sender, time, priority, body, and receipts or acknowledgement.
class MessageDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    static QString text_of(const QModelIndex& index);

protected:
    void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override;
};

}  // namespace wardline::app
