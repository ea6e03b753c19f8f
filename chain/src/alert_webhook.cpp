// SPDX-License-Identifier: Apache-2.0
#include "macf/chain/alert_webhook.hpp"

#include "macf/chain/json.hpp"

namespace macf::chain {

const char* to_string(AlertEvent event) noexcept {
    switch (event) {
        case AlertEvent::kExecuted:
            return "executed";
        case AlertEvent::kFailed:
            return "failed";
        case AlertEvent::kCircuitBreaker:
            return "circuit_breaker";
    }
    return "unknown";
}

std::string alert_payload(const Alert& alert) {
    const char* color = alert.event == AlertEvent::kExecuted ? "good"
                        : alert.event == AlertEvent::kFailed ? "warning"
                                                             : "danger";
    std::string fields;
    for (const auto& [title, value] : alert.fields) {
        if (!fields.empty()) fields += ",";
        fields += R"({"title":)" + json_string(title) + R"(,"value":)" + json_string(value) +
                  R"(,"short":true})";
    }
    return R"({"text":)" + json_string(alert.text) + R"(,"event":")" + to_string(alert.event) +
           R"(","attachments":[{"color":")" + color + R"(","fields":[)" + fields + "]}]}";
}

AlertWebhook::AlertWebhook(const std::string& url, WebhookOptions options, const TlsOptions& tls)
    : transport_(make_http_transport(url, tls)), options_(std::move(options)) {
    worker_ = std::thread([this] { run(); });
}

AlertWebhook::~AlertWebhook() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    worker_.join();
}

void AlertWebhook::post(Alert alert) {
    std::string dropped_why;
    {
        std::lock_guard lock(mutex_);
        if (queue_.size() >= options_.max_queue) {
            ++counters_.dropped;
            dropped_why = "the alert queue is full (" + std::to_string(options_.max_queue) + ")";
        } else {
            queue_.push_back(std::move(alert));
        }
    }
    if (!dropped_why.empty()) {
        if (options_.on_drop) options_.on_drop(alert, dropped_why);
        return;
    }
    wake_.notify_one();
}

bool AlertWebhook::flush(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return idle_.wait_for(lock, timeout, [&] { return queue_.empty() && !busy_; });
}

WebhookCounters AlertWebhook::counters() const {
    std::lock_guard lock(mutex_);
    return counters_;
}

bool AlertWebhook::deliver(const Alert& alert, std::string& why) {
    const std::string body = alert_payload(alert);
    auto backoff = options_.initial_backoff;
    for (unsigned attempt = 1; attempt <= options_.max_attempts; ++attempt) {
        try {
            transport_->post(body, options_.timeout);
            return true;
        } catch (const TransportError& e) {
            why = e.what();
            const int status = e.http_status();
            // A 4xx other than 429 will not change by retrying (a wrong URL or payload).
            if (status >= 400 && status < 500 && status != 429) return false;
        }
        if (attempt == options_.max_attempts) break;
        {
            std::unique_lock lock(mutex_);
            ++counters_.retries;
            // Shutting down shortens the waits but still makes every attempt.
            wake_.wait_for(lock, backoff, [&] { return stop_; });
        }
        backoff *= 2;
    }
    return false;
}

void AlertWebhook::run() {
    for (;;) {
        Alert alert;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [&] { return stop_ || !queue_.empty(); });
            if (queue_.empty()) return;  // stopping with nothing left
            alert = std::move(queue_.front());
            queue_.pop_front();
            busy_ = true;
        }
        std::string why;
        const bool ok = deliver(alert, why);
        {
            std::lock_guard lock(mutex_);
            busy_ = false;
            if (ok) {
                ++counters_.delivered;
            } else {
                ++counters_.dropped;
            }
        }
        if (!ok && options_.on_drop) options_.on_drop(alert, why);
        idle_.notify_all();
    }
}

}  // namespace macf::chain
