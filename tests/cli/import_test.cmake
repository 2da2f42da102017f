# CLI tests of `sluice import flink-run` (tests/cli/import_*). Included from
# tests/spec/CMakeLists.txt until tests/cli has a CMakeLists of its own; move the include
# there then.
if(TARGET sluice)
  sluice_test(NAME cli_import_test
    SOURCES ${CMAKE_SOURCE_DIR}/tests/cli/import_flink_run_test.cc
            ${CMAKE_SOURCE_DIR}/tests/support/process.cc
    DEPS sluice_spec sluice_test_support
    LABELS cli)
  add_dependencies(cli_import_test sluice)
endif()
