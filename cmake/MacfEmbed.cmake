# SPDX-License-Identifier: Apache-2.0
# macf_embed_hex(TARGET FILE OUTPUT): the hex text of FILE (a contract's creation code, written
# by tools/evm/compile-contracts.js), stripped and quoted as a C string literal, in
# ${CMAKE_CURRENT_BINARY_DIR}/generated/OUTPUT on TARGET's private include path; CMake reruns when
# FILE changes.
function(macf_embed_hex target file output)
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${file})
    file(READ ${file} hex)
    string(STRIP "${hex}" hex)
    file(CONFIGURE OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/generated/${output} CONTENT "\"${hex}\"\n"
         @ONLY)
    target_include_directories(${target} PRIVATE ${CMAKE_CURRENT_BINARY_DIR}/generated)
endfunction()
