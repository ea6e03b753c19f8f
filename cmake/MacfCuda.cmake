# SPDX-License-Identifier: Apache-2.0
# Decides MACF_WITH_CUDA from MACF_CUDA and enables the CUDA language when it is on.
string(TOUPPER "${MACF_CUDA}" _macf_cuda)
set(MACF_WITH_CUDA OFF)
if(NOT _macf_cuda MATCHES "^(AUTO|ON|OFF)$")
    message(FATAL_ERROR "MACF_CUDA must be AUTO, ON or OFF (got '${MACF_CUDA}')")
endif()
if(NOT _macf_cuda STREQUAL "OFF")
    if(NOT CMAKE_CUDA_COMPILER AND EXISTS /usr/local/cuda/bin/nvcc)
        set(CMAKE_CUDA_COMPILER /usr/local/cuda/bin/nvcc)
    endif()
    include(CheckLanguage)
    check_language(CUDA)
    if(CMAKE_CUDA_COMPILER)
        set(MACF_WITH_CUDA ON)
    elseif(_macf_cuda STREQUAL "ON")
        message(FATAL_ERROR "MACF_CUDA=ON but no CUDA compiler (nvcc) was found; "
                            "install the CUDA toolkit or configure with -DMACF_CUDA=OFF")
    else()
        message(STATUS "macf: nvcc not found, building the CPU-only binary")
    endif()
endif()
if(MACF_WITH_CUDA)
    # sm_80 (A100) and sm_90 (H100/H200) by default: the data-center GPUs our users run.
    # Override with -DCMAKE_CUDA_ARCHITECTURES=...
    if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
        set(CMAKE_CUDA_ARCHITECTURES 80 90)
    endif()
    enable_language(CUDA)
    # CMake 3.25 (Debian 12) has no CUDA20 flag for nvcc 13; the dex headers the kernels share
    # are kept C++17-clean, so kernels compile as CUDA C++17.
    set(CMAKE_CUDA_STANDARD 17)
    set(CMAKE_CUDA_STANDARD_REQUIRED ON)
    find_package(CUDAToolkit REQUIRED)
endif()
