// SPDX-License-Identifier: Apache-2.0
#pragma once
// What the MLS engine (group_engine.hpp) takes and gives: an outgoing message (plaintext and
// the metadata the server sees), a decrypted incoming one, a refused one with a typed reason
// (never its content), a failed join by external commit, and the result of an operation
// (create, add, remove, send, update).
#include <QByteArray>
#include <QString>
#include <QStringList>

#include <chrono>
#include <cstdint>
#include <optional>

namespace wardline::client {

struct OutgoingMessage {
    QByteArray plaintext;  ///< encrypted on this device; never sent or logged as it is
    QString priority;      ///< routine (default), urgent or critical
    std::optional<std::int64_t> reply_to;
    QStringList attachments;
    std::optional<std::int64_t> expires_at_ms;
    QString client_msg_id;  ///< empty: a new one; a retry of a send passes the first one's
};

struct DecryptedMessage {
    QString conversation_id;
    std::int64_t seq = 0;
    std::uint64_t epoch = 0;
    QString sender_user_id;    ///< from the sender's MLS credential, which the server matched
    QString sender_device_id;  ///< idem
    QByteArray plaintext;
    QString client_msg_id;
    QString priority;
    std::int64_t created_at_ms = 0;
    std::optional<std::int64_t> reply_to;
};

/// Why an incoming message or Welcome was not accepted.
enum class RefusalReason {
    malformed,     ///< not a readable entry or MLSMessage, or the wrong wire format for its kind
    wrong_group,   ///< for another MLS group than the conversation's
    old_epoch,     ///< for an epoch this device has left (its keys are gone)
    future_epoch,  ///< for an epoch this device has not reached
    decryption_failed,  ///< the ciphertext or its sender data does not authenticate (tampered)
    invalid_signature,  ///< the sender's signature or membership tag does not verify
    key_expired,        ///< the message key was used already or dropped (a replay)
    sender_mismatch,    ///< the MLS sender is not the user and device the server named
    unknown_sender,     ///< the MLS sender's leaf is not a Wardline device credential
    not_a_member,       ///< this device has no group for the conversation, or was removed
    handshake_refused,  ///< a commit or proposal the group refused
    welcome_refused,    ///< a Welcome this device cannot open or that does not check out
};

QString to_string(RefusalReason reason);

struct MessageRefusal {
    QString conversation_id;
    std::int64_t seq = 0;  ///< 0 for a Welcome
    RefusalReason reason = RefusalReason::malformed;
    QString detail;  ///< the MLS library's error name, if any; never message content
};

/// Why an attempt to join a conversation by external commit failed.
enum class JoinFailureReason {
    no_group_info,        ///< group_info.get found none (nobody has committed yet) or not_found
    unusable_group_info,  ///< the GroupInfo is not readable, or no leaf could be made for it
    group_info_refused,   ///< the MLS library refused the GroupInfo (signature, tree, ...)
    commit_refused,       ///< the server refused the external commit (detail: its error code)
    request_failed,       ///< group_info.get failed otherwise (detail: the error code)
};

QString to_string(JoinFailureReason reason);

struct JoinFailure {
    QString conversation_id;
    JoinFailureReason reason = JoinFailureReason::no_group_info;
    QString detail;    ///< a protocol error code or the MLS library's error name; no content
    int attempts = 0;  ///< failed attempts in a row, this one included
    /// The wait before the next attempt; none: the engine gave up on the conversation until it
    /// is re-armed (a sign-in, the user added again, a commit in its stream).
    std::optional<std::chrono::milliseconds> retry_in;
};

struct OperationResult {
    bool ok = false;
    QString conversation_id;
    std::int64_t seq = 0;  ///< send: the message's seq; commits: the commit's seq
    std::uint64_t epoch = 0;
    QString client_msg_id;
    bool duplicate = false;
    QStringList missing_devices;  ///< add: devices without a KeyPackage, not added
    QString error_code;           ///< protocol error code or a local one
    QString error_message;        ///< never secrets or message content
};

}  // namespace wardline::client
