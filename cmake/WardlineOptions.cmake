# SPDX-License-Identifier: Apache-2.0
# Compiler warnings and sanitizers, applied to every Wardline target via wardline_options.
add_library(wardline_options INTERFACE)
target_compile_options(wardline_options INTERFACE -Wall -Wextra -Wpedantic -Wshadow
    -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Wunused -Woverloaded-virtual
    -Wformat=2 -Wimplicit-fallthrough)
# GCC 12 false positives at -O1 and above, all inside system headers once inlined:
# -Wmismatched-new-delete on Asio's awaitable frame allocator, -Wrestrict on
# std::string operator+ (GCC bug 105329). -Wnull-dereference is left out for the same reason.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(wardline_options INTERFACE -Wno-mismatched-new-delete -Wno-restrict)
endif()
if(WARDLINE_WERROR)
    target_compile_options(wardline_options INTERFACE -Werror)
endif()
if(WARDLINE_SANITIZE)
    string(REPLACE ";" "," _san "${WARDLINE_SANITIZE}")
    add_compile_options(-fsanitize=${_san} -fno-omit-frame-pointer -fno-sanitize-recover=all)
    add_link_options(-fsanitize=${_san})
endif()

# Embeds text files into a generated C++ source defining
# `std::span<const EmbeddedFile> wardline::embedded::NAME()` (see common/core/embedded.hpp).
# Used for the protocol schema, SQL statements and migrations.
function(wardline_embed_files OUT_VAR)
    cmake_parse_arguments(E "" "NAME" "FILES" ${ARGN})
    set(_out ${CMAKE_CURRENT_BINARY_DIR}/embedded_${E_NAME}.cpp)
    add_custom_command(OUTPUT ${_out}
        COMMAND ${CMAKE_COMMAND} -DOUT=${_out} -DNAME=${E_NAME} "-DFILES=${E_FILES}"
                -P ${PROJECT_SOURCE_DIR}/cmake/EmbedFiles.cmake
        DEPENDS ${E_FILES} ${PROJECT_SOURCE_DIR}/cmake/EmbedFiles.cmake
        COMMENT "Embedding ${E_NAME}" VERBATIM)
    set(${OUT_VAR} ${_out} PARENT_SCOPE)
endfunction()
