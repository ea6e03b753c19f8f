// SPDX-License-Identifier: Apache-2.0
// macf._native: the native half of the `macf` Python package (python/macf/__init__.py is the
// other): markets, exact quotes, the coordinator over macf's engine, the pool state cache.

#include <pybind11/pybind11.h>

#include "convert.hpp"
#include "macf/cuda/device.hpp"
#include "market_handle.hpp"

namespace macf::python {
void bind_engine(py::module_& m);
void bind_cache(py::module_& m);
}  // namespace macf::python

PYBIND11_MODULE(_native, m) {
    namespace py = pybind11;
    m.doc() = "macf's engine for Python (native part; import the `macf` package instead).";
    macf::python::register_errors(m);
    macf::python::bind_market(m);
    macf::python::bind_engine(m);
    macf::python::bind_cache(m);
    m.def(
        "gpu_status",
        [] {
            const auto s = macf::cuda::probe_device();
            py::dict d;
            d["usable"] = s.usable;
            d["name"] = s.name;
            d["reason"] = s.reason;
            return d;
        },
        "Whether a usable GPU is present: {'usable', 'name', 'reason'}.");
    m.attr("__version__") = "0.1.0";
}
