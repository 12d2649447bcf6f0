# SPDX-License-Identifier: Apache-2.0
# Real wardline-server processes and a TLS WebSocket/HTTPS client for integration tests.
add_library(wardline_test_command STATIC run_command.cpp)
target_include_directories(wardline_test_command PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(wardline_test_command PRIVATE wardline_options)

add_library(wardline_test_server STATIC server_process.cpp ws_client.cpp)
target_link_libraries(wardline_test_server
    PUBLIC wardline_asio wardline_test_pg nlohmann_json::nlohmann_json
    PRIVATE wardline_server_net wardline_server_audit PkgConfig::SODIUM wardline_options)
target_compile_definitions(wardline_test_server PRIVATE
    WARDLINE_SERVER_BIN="$<TARGET_FILE:wardline-server>")
add_dependencies(wardline_test_server wardline-server)
