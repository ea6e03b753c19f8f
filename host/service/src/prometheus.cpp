// SPDX-License-Identifier: Apache-2.0
#include "macf/host/service/prometheus.hpp"

#include <algorithm>
#include <stdexcept>

#include "macf/host/io/json_text.hpp"

namespace macf::host {
namespace {

std::string number(double v) {
    if (v == static_cast<double>(static_cast<long long>(v)) && v < 1e15 && v > -1e15)
        return std::to_string(static_cast<long long>(v));
    return json_number(v);
}

std::string with_labels(const std::string& name, const std::string& labels,
                        const std::string& extra = {}) {
    std::string all = labels;
    if (!extra.empty()) all += (all.empty() ? "" : ",") + extra;
    return all.empty() ? name : name + "{" + all + "}";
}

}  // namespace

void Counter::add(double v) {
    if (v < 0) throw std::invalid_argument("a counter cannot go down");
    std::lock_guard lock(mutex_);
    value_ += v;
}
double Counter::value() const {
    std::lock_guard lock(mutex_);
    return value_;
}

void Gauge::set(double v) {
    std::lock_guard lock(mutex_);
    value_ = v;
}
double Gauge::value() const {
    std::lock_guard lock(mutex_);
    return value_;
}

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), counts_(bounds_.size() + 1, 0) {
    if (!std::is_sorted(bounds_.begin(), bounds_.end()))
        throw std::invalid_argument("histogram bounds must ascend");
}

void Histogram::observe(double v) {
    const auto at = static_cast<std::size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), v) -
                                             bounds_.begin());
    std::lock_guard lock(mutex_);
    ++counts_[at];
    sum_ += v;
}

Histogram::Snapshot Histogram::snapshot() const {
    std::lock_guard lock(mutex_);
    Snapshot s;
    std::uint64_t running = 0;
    for (std::size_t i = 0; i < bounds_.size(); ++i) {
        running += counts_[i];
        s.buckets.emplace_back(bounds_[i], running);
    }
    s.count = running + counts_.back();
    s.sum = sum_;
    return s;
}

std::vector<double> latency_buckets() {
    return {1e-5,   2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 1e-2,
            2.5e-2, 5e-2,   0.1,  0.25, 0.5,    1,    2.5,  5,      10,   30};
}

MetricsRegistry::Family& MetricsRegistry::family(const std::string& name, const std::string& help,
                                                 const char* type) {
    auto& f = families_[name];
    if (f.type.empty()) {
        f.type = type;
        f.help = help;
    } else if (f.type != type) {
        throw std::logic_error("metric " + name + " registered as " + f.type + " and " + type);
    }
    return f;
}

Counter& MetricsRegistry::counter(const std::string& name, const std::string& help,
                                  const std::string& labels) {
    std::lock_guard lock(mutex_);
    auto& slot = family(name, help, "counter").counters[labels];
    if (!slot) slot = std::make_unique<Counter>();
    return *slot;
}

Gauge& MetricsRegistry::gauge(const std::string& name, const std::string& help,
                              const std::string& labels) {
    std::lock_guard lock(mutex_);
    auto& slot = family(name, help, "gauge").gauges[labels];
    if (!slot) slot = std::make_unique<Gauge>();
    return *slot;
}

Histogram& MetricsRegistry::histogram(const std::string& name, const std::string& help,
                                      const std::string& labels, std::vector<double> bounds) {
    std::lock_guard lock(mutex_);
    auto& slot = family(name, help, "histogram").histograms[labels];
    if (!slot) slot = std::make_unique<Histogram>(std::move(bounds));
    return *slot;
}

std::string MetricsRegistry::render() const {
    std::lock_guard lock(mutex_);
    std::string out;
    for (const auto& [name, f] : families_) {
        out += "# HELP " + name + " " + f.help + "\n# TYPE " + name + " " + f.type + "\n";
        for (const auto& [labels, c] : f.counters)
            out += with_labels(name, labels) + " " + number(c->value()) + "\n";
        for (const auto& [labels, g] : f.gauges)
            out += with_labels(name, labels) + " " + number(g->value()) + "\n";
        for (const auto& [labels, h] : f.histograms) {
            const auto s = h->snapshot();
            for (const auto& [bound, count] : s.buckets)
                out += with_labels(name + "_bucket", labels, "le=\"" + json_number(bound) + "\"") +
                       " " + std::to_string(count) + "\n";
            out += with_labels(name + "_bucket", labels, "le=\"+Inf\"") + " " +
                   std::to_string(s.count) + "\n";
            out += with_labels(name + "_sum", labels) + " " + json_number(s.sum) + "\n";
            out += with_labels(name + "_count", labels) + " " + std::to_string(s.count) + "\n";
        }
    }
    return out;
}

}  // namespace macf::host
