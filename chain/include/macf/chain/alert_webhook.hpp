// SPDX-License-Identifier: Apache-2.0
#pragma once

// Alerts to a webhook in the JSON of Slack's incoming webhooks ({"text": …, "attachments":
// [{"color", "fields"}]}, plus "event" for other receivers). Posting never blocks the caller:
// alerts go to a bounded queue that a worker delivers in order, retrying transport errors,
// HTTP 429 and 5xx with exponential backoff; an alert that still fails, or that finds the
// queue full, is dropped and counted (and logged by the caller through on_drop).

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "macf/chain/rpc_client.hpp"

namespace macf::chain {

/// What happened.
enum class AlertEvent { kExecuted, kFailed, kCircuitBreaker };

/// The event's name in the payload ("executed", "failed", "circuit_breaker").
const char* to_string(AlertEvent event) noexcept;

/// One alert.
struct Alert {
    AlertEvent event = AlertEvent::kExecuted;
    std::string text;                                         ///< one line for humans
    std::vector<std::pair<std::string, std::string>> fields;  ///< title → value
};

/// The JSON body of an alert.
std::string alert_payload(const Alert& alert);

/// Settings.
struct WebhookOptions {
    unsigned max_attempts = 4;
    std::chrono::milliseconds initial_backoff{250};
    std::chrono::milliseconds timeout{5000};
    std::size_t max_queue = 1000;
    std::function<void(const Alert&, const std::string& why)> on_drop;  ///< may be empty
};

/// Delivery counters.
struct WebhookCounters {
    std::uint64_t delivered = 0;
    std::uint64_t retries = 0;
    std::uint64_t dropped = 0;
};

/// The webhook sender.
class AlertWebhook {
  public:
    /// Throws std::invalid_argument for a URL that is not http(s)://.
    explicit AlertWebhook(const std::string& url, WebhookOptions options = {},
                          const TlsOptions& tls = {});
    /// Delivers what is queued (up to the options' retries), then stops.
    ~AlertWebhook();
    AlertWebhook(const AlertWebhook&) = delete;
    AlertWebhook& operator=(const AlertWebhook&) = delete;

    /// Queues an alert; returns at once.
    void post(Alert alert);
    /// Waits until the queue is empty and nothing is in delivery, or `timeout`; true if empty.
    bool flush(std::chrono::milliseconds timeout);
    /// The counters.
    WebhookCounters counters() const;

  private:
    void run();
    bool deliver(const Alert& alert, std::string& why);

    std::unique_ptr<Transport> transport_;
    WebhookOptions options_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::condition_variable idle_;
    std::deque<Alert> queue_;
    bool busy_ = false;
    bool stop_ = false;
    WebhookCounters counters_;
    std::thread worker_;
};

}  // namespace macf::chain
