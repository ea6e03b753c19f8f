// SPDX-License-Identifier: Apache-2.0
#pragma once

// The ultra backend: the Scorer interface over kernels/'s device pipeline. The cycles and
// edge coefficients are uploaded once per topology, each round only the changed edges are
// scattered in, and the candidates are compacted on the device; exact sizing stays with the
// engine.

#include <memory>
#include <optional>
#include <string>

#include "macf/host/search/scorer.hpp"
#include "macf/kernels/cycle_pipeline.hpp"

namespace macf::host {

/// The device-pipeline backend on `system` (its mode() is ultra). Throws std::runtime_error
/// when this build lacks that pipeline (kernels::has_pipeline says why).
[[nodiscard]] std::unique_ptr<Scorer> make_device_scorer(kernels::DeviceSystem system);

/// Where ultra mode runs, decided from MACF_ULTRA_BACKEND and what this machine has.
struct UltraChoice {
    std::optional<kernels::DeviceSystem> device;  ///< the device pipeline; none: parallel CPU
    std::string why;                              ///< one line for the log: what runs and why
};

/// The choice make_ultra_scorer acts on (`openmp`, `cuda`, unset or `parallel`; a choice that
/// cannot run here falls back to parallel, and `why` says so).
[[nodiscard]] UltraChoice choose_ultra_backend();

/// What ultra mode runs on.
struct UltraBackend {
    std::unique_ptr<Scorer> scorer;
    bool on_device = false;  ///< the device pipeline (else the parallel CPU backend)
    std::string why;         ///< one line for the log: what runs and why
};

/// The backend ultra mode runs on, as choose_ultra_backend() decides from MACF_ULTRA_BACKEND:
/// `openmp` (the device pipeline on CPU threads, as CI proves it), `cuda` (the pipeline on a
/// usable GPU; not yet verified on one), unset or `parallel` (the parallel CPU backend, the
/// default). When the choice cannot run here it falls back to parallel (`batch_size` cycles a
/// batch on `pool`) and says why.
[[nodiscard]] UltraBackend make_ultra_scorer(std::size_t batch_size, ThreadPool* pool);

}  // namespace macf::host
