# SPDX-License-Identifier: Apache-2.0
# PostgreSQL for tests: wardline_test_pg (PgCluster), the wardline-test-pg helper, and the
# ctest fixture `pg` that starts one shared cluster per ctest run.
file(GLOB _wardline_pg_bindirs /usr/lib/postgresql/*/bin)
find_program(WARDLINE_PG_CTL pg_ctl HINTS ${_wardline_pg_bindirs} REQUIRED)
get_filename_component(WARDLINE_PG_BINDIR ${WARDLINE_PG_CTL} DIRECTORY)

add_library(wardline_test_pg STATIC ${CMAKE_CURRENT_LIST_DIR}/pg_cluster.cpp)
target_compile_definitions(wardline_test_pg PRIVATE WARDLINE_PG_BINDIR="${WARDLINE_PG_BINDIR}")
target_link_libraries(wardline_test_pg
    PUBLIC wardline_server_storage
    PRIVATE nlohmann_json::nlohmann_json PkgConfig::SODIUM wardline_options)

add_executable(wardline-test-pg ${CMAKE_CURRENT_LIST_DIR}/pg_fixture_main.cpp)
target_link_libraries(wardline-test-pg PRIVATE wardline_test_pg wardline_options)

# WARDLINE_TEST_PG_STATE is set in tests/CMakeLists.txt.
add_test(NAME pg_fixture_start COMMAND wardline-test-pg start ${WARDLINE_TEST_PG_STATE})
set_tests_properties(pg_fixture_start PROPERTIES FIXTURES_SETUP pg LABELS "integration"
    TIMEOUT 180)
add_test(NAME pg_fixture_stop COMMAND wardline-test-pg stop ${WARDLINE_TEST_PG_STATE})
set_tests_properties(pg_fixture_stop PROPERTIES FIXTURES_CLEANUP pg LABELS "integration"
    TIMEOUT 120)
