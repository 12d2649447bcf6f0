// SPDX-License-Identifier: Apache-2.0
#pragma once
// The answer to one administrative request of the retention and legal-hold models
// (RetentionPolicyModel, LegalHoldModel): done, or refused with the protocol's error code and
// the server's message (which never repeats request content), or refused here before anything
// was sent (bad_request with the problem in words). Carries the id and status the server gave.
#include <QString>

namespace wardline::client {

struct AdminReply {
    bool ok = false;
    QString error_code;
    QString error_message;
    QString status;  ///< e.g. retention.policies.set: "applied" or "pending"
    QString id;      ///< the policy, change or hold the request made

    static AdminReply refused(const QString& code, const QString& message) {
        AdminReply r;
        r.error_code = code;
        r.error_message = message;
        return r;
    }
};

}  // namespace wardline::client
