// SPDX-License-Identifier: Apache-2.0
#include "convert.hpp"

#include <stdexcept>

#include "macf/dex/u256_text.hpp"
#include "macf/host/model/market.hpp"

namespace macf::python {

py::int_ to_int(const dex::U256& value) {
    // Decimal text is exact and PyLong parses it in linear time at these sizes.
    const std::string text = dex::to_string(value);
    PyObject* obj = PyLong_FromString(text.c_str(), nullptr, 10);
    if (obj == nullptr) throw py::error_already_set();
    return py::reinterpret_steal<py::int_>(obj);
}

dex::U256 to_u256(const py::handle& value, const char* what) {
    if (!PyLong_Check(value.ptr()) || PyBool_Check(value.ptr()))
        throw py::value_error(std::string(what) + ": expected an int amount in wei, got " +
                              std::string(py::str(py::type::of(value).attr("__name__"))));
    if (PyObject_RichCompareBool(value.ptr(), py::int_(0).ptr(), Py_LT) == 1)
        throw py::value_error(std::string(what) + ": " + std::string(py::str(value)) +
                              " is negative");
    if (_PyLong_NumBits(value.ptr()) > 256)
        throw py::value_error(std::string(what) + ": " + std::string(py::str(value)) +
                              " does not fit in 256 bits");
    dex::U256 out;
    const std::string text = py::str(value);
    if (!dex::parse_u256(text, out))
        throw py::value_error(std::string(what) + ": '" + text + "' is not an amount");
    return out;
}

chain::Address to_address(const std::string& text, const char* what) {
    const auto a = chain::Address::parse(text);
    if (!a) throw py::value_error(std::string(what) + ": '" + text + "' is not an address");
    return *a;
}

void register_errors(py::module_& m) {
    static py::exception<std::runtime_error> macf_error(m, "MacfError", PyExc_RuntimeError);
    // A bad market is both a macf error and bad input.
    static py::handle market_error = [&m] {
        py::object bases = py::make_tuple(macf_error, py::handle(PyExc_ValueError));
        PyObject* type = PyErr_NewExceptionWithDoc(
            "macf._native.MarketError",
            "A market snapshot, pairs file or pool description macf refuses; the message names "
            "the file, the pool or token and the field, as the CLI prints it.",
            bases.ptr(), nullptr);
        if (type == nullptr) throw py::error_already_set();
        m.add_object("MarketError", py::handle(type));
        return py::handle(type);
    }();
    macf_error.doc() = "An error macf reports (the message is the one the CLI prints).";
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const py::builtin_exception&) {
            throw;  // pybind11's own (value_error, key_error, ...): its default translator
        } catch (const py::error_already_set&) {
            throw;
        } catch (const host::MarketError& e) {
            PyErr_SetString(market_error.ptr(), e.what());
        } catch (const std::invalid_argument& e) {
            PyErr_SetString(PyExc_ValueError, e.what());
        } catch (const std::out_of_range& e) {
            PyErr_SetString(PyExc_ValueError, e.what());
        } catch (const std::length_error& e) {
            PyErr_SetString(macf_error.ptr(), e.what());
        } catch (const std::runtime_error& e) {
            PyErr_SetString(macf_error.ptr(), e.what());
        }
    });
}

}  // namespace macf::python
