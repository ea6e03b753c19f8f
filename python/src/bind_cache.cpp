// SPDX-License-Identifier: Apache-2.0
// PoolStateCache: the MACF guide's cache over macf's ReserveCache. The reserve cache keeps the
// time to live, the invalidation, the hit and miss counters; the Python values ride beside its
// slots. Keys are pool addresses; any other string is mapped to an address by Keccak-256, so
// the guide's 'pool_123' keys work as they are.

#include <pybind11/stl.h>

#include <chrono>
#include <cmath>
#include <mutex>
#include <unordered_map>

#include "convert.hpp"
#include "macf/chain/keccak.hpp"
#include "macf/host/state/reserve_cache.hpp"

namespace macf::python {
namespace {

chain::Address key_address(const std::string& key) {
    if (const auto a = chain::Address::parse(key)) return *a;
    const chain::Hash32 h = chain::keccak256(std::string_view(key));
    chain::Address a;
    for (std::size_t i = 0; i < a.bytes.size(); ++i) a.bytes[i] = h[12 + i];
    return a;
}

class PoolStateCache {
  public:
    explicit PoolStateCache(double ttl_seconds)
        : cache_(std::chrono::milliseconds(std::llround(ttl_seconds * 1000))) {}

    void set(const std::string& key, py::object value) {
        host::PoolState record;
        record.valid = true;  // the record only carries freshness; the value is Python's
        const auto slot = cache_.set(key_address(key), record);
        values_[slot] = std::move(value);
    }

    py::object get(const std::string& key) {
        const auto address = key_address(key);
        if (!cache_.get(address)) return py::none();
        const auto slot = cache_.slot_of(address);
        const auto it = slot ? values_.find(*slot) : values_.end();
        return it == values_.end() ? py::none() : it->second;
    }

    bool invalidate(const std::string& key) {
        const auto address = key_address(key);
        const bool held = cache_.invalidate(address);
        if (const auto slot = cache_.slot_of(address)) values_.erase(*slot);
        return held;
    }

    std::size_t cleanup() {
        const std::size_t dropped = cache_.cleanup();
        for (auto it = values_.begin(); it != values_.end();)  // values go with their record
            it = cache_.is_fresh(it->first) ? std::next(it) : values_.erase(it);
        return dropped;
    }

    double hit_rate() const { return cache_.stats().hit_rate(); }

    py::dict stats() const {
        const auto s = cache_.stats();
        py::dict d;
        d["hits"] = s.hits;
        d["misses"] = s.misses;
        d["invalidations"] = s.invalidations;
        d["evictions"] = s.evictions;
        d["entries"] = s.entries;
        d["hit_rate"] = s.hit_rate();
        return d;
    }

    double ttl_seconds() const { return static_cast<double>(cache_.ttl().count()) / 1000.0; }
    std::size_t size() const { return cache_.stats().entries; }

  private:
    host::ReserveCache cache_;
    std::unordered_map<std::uint32_t, py::object> values_;
};

}  // namespace

void bind_cache(py::module_& m) {
    py::class_<PoolStateCache>(
        m, "PoolStateCache",
        "The MACF guide's pool state cache over macf's reserve cache: entries expire ttl_seconds "
        "after they were set, can be invalidated, and every get counts a hit or a miss. Keys are "
        "pool addresses ('0x' + 40 hex digits); any other string is mapped to an address by "
        "Keccak-256. Values are any Python object. Not thread-safe from Python threads: use one "
        "per thread or a lock.")
        .def(py::init([](double ttl_seconds) {
                 if (!(ttl_seconds > 0) || !std::isfinite(ttl_seconds))
                     throw py::value_error("ttl_seconds: must be a positive number");
                 return std::make_unique<PoolStateCache>(ttl_seconds);
             }),
             py::arg("ttl_seconds") = 5.0)
        .def("set", &PoolStateCache::set, py::arg("pool"), py::arg("state"),
             "Stores `state` for `pool`, fresh from now.")
        .def("get", &PoolStateCache::get, py::arg("pool"),
             "The fresh state of `pool` (a hit), or None (a miss: unknown, invalidated or older "
             "than the TTL).")
        .def("invalidate", &PoolStateCache::invalidate, py::arg("pool"),
             "Drops `pool`'s state; True when it held one.")
        .def("cleanup", &PoolStateCache::cleanup,
             "Drops every entry older than the TTL; returns how many.")
        .def("get_hit_rate", &PoolStateCache::hit_rate,
             "hits / (hits + misses) in percent; 0.0 before the first get.")
        .def("stats", &PoolStateCache::stats,
             "hits, misses, invalidations, evictions, entries and hit_rate.")
        .def_property_readonly("ttl_seconds", &PoolStateCache::ttl_seconds)
        .def("__len__", &PoolStateCache::size, "Entries holding a state now.");
}

}  // namespace macf::python
