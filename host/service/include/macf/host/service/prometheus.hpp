// SPDX-License-Identifier: Apache-2.0
#pragma once

// A small metrics registry rendered in the Prometheus text exposition format (version 0.0.4):
// counters, gauges and histograms, optionally with one label, thread-safe. Metric names follow
// Prometheus conventions (`_total` for counters, `_seconds` for durations).

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace macf::host {

/// A monotonically increasing count.
class Counter {
  public:
    void add(double v = 1.0);
    double value() const;

  private:
    mutable std::mutex mutex_;
    double value_ = 0;
};

/// A value that goes up and down.
class Gauge {
  public:
    void set(double v);
    double value() const;

  private:
    mutable std::mutex mutex_;
    double value_ = 0;
};

/// Observations counted into cumulative buckets (upper bounds, ascending), with their sum.
class Histogram {
  public:
    explicit Histogram(std::vector<double> bounds);
    void observe(double v);
    /// (bound, cumulative count) pairs, then the +Inf count, the sum and the count.
    struct Snapshot {
        std::vector<std::pair<double, std::uint64_t>> buckets;
        std::uint64_t count = 0;
        double sum = 0;
    };
    Snapshot snapshot() const;

  private:
    mutable std::mutex mutex_;
    std::vector<double> bounds_;
    std::vector<std::uint64_t> counts_;  ///< per bucket, not cumulative; last: above all
    double sum_ = 0;
};

/// Latency buckets from 10 µs to 30 s (seconds).
std::vector<double> latency_buckets();

/// The registry: metrics are created on first use and live as long as it.
class MetricsRegistry {
  public:
    /// The counter `name` with `labels` (e.g. `status="executed"`; empty for none).
    Counter& counter(const std::string& name, const std::string& help,
                     const std::string& labels = {});
    Gauge& gauge(const std::string& name, const std::string& help, const std::string& labels = {});
    Histogram& histogram(const std::string& name, const std::string& help,
                         const std::string& labels = {},
                         std::vector<double> bounds = latency_buckets());
    /// Everything in the text format, families in name order.
    std::string render() const;

  private:
    struct Family {
        std::string help;
        std::string type;
        std::map<std::string, std::unique_ptr<Counter>> counters;
        std::map<std::string, std::unique_ptr<Gauge>> gauges;
        std::map<std::string, std::unique_ptr<Histogram>> histograms;
    };
    Family& family(const std::string& name, const std::string& help, const char* type);

    mutable std::mutex mutex_;
    std::map<std::string, Family> families_;
};

}  // namespace macf::host
