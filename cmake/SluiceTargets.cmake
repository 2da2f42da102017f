# Helpers that give every module, test and tool the same flags.

set(SLUICE_WARNINGS -Wall -Wextra -Werror -Wno-missing-field-initializers)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # GCC 12 reports false positives inside std::string at -O2/-O3 (GCC bug 105651).
  list(APPEND SLUICE_WARNINGS -Wno-restrict)
  if(SLUICE_SANITIZE)
    # GCC 12 at -O1 with the sanitizers reports false -Wmaybe-uninitialized inside
    # <regex>'s std::function states (GCC bug 105562); flink/ and deploy/ use std::regex.
    list(APPEND SLUICE_WARNINGS -Wno-maybe-uninitialized)
  endif()
endif()
set(SLUICE_SANITIZER_FLAGS -fsanitize=address,undefined -fno-omit-frame-pointer
    -fno-sanitize-recover=undefined)

execute_process(COMMAND git rev-parse --short=12 HEAD
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR} OUTPUT_VARIABLE SLUICE_GIT_COMMIT
  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT SLUICE_GIT_COMMIT)
  set(SLUICE_GIT_COMMIT unknown)
endif()

function(sluice_apply_flags target)
  target_compile_options(${target} PRIVATE ${SLUICE_WARNINGS})
  if(SLUICE_SANITIZE)
    target_compile_options(${target} PRIVATE ${SLUICE_SANITIZER_FLAGS})
    target_link_options(${target} PRIVATE ${SLUICE_SANITIZER_FLAGS})
  endif()
endfunction()

# sluice_module(NAME name SOURCES ... DEPS ...): the static library sluice_<name>.
# Headers are included as "<name>/<file>.h" from src/.
function(sluice_module)
  cmake_parse_arguments(M "" "NAME" "SOURCES;DEPS" ${ARGN})
  add_library(sluice_${M_NAME} STATIC ${M_SOURCES})
  target_include_directories(sluice_${M_NAME} PUBLIC ${CMAKE_SOURCE_DIR}/src)
  target_link_libraries(sluice_${M_NAME} PUBLIC ${M_DEPS})
  sluice_apply_flags(sluice_${M_NAME})
  if(SLUICE_SANITIZE)
    target_link_options(sluice_${M_NAME} INTERFACE ${SLUICE_SANITIZER_FLAGS})
  endif()
endfunction()

function(sluice_executable)
  cmake_parse_arguments(E "" "NAME" "SOURCES;DEPS" ${ARGN})
  add_executable(${E_NAME} ${E_SOURCES})
  target_link_libraries(${E_NAME} PRIVATE ${E_DEPS})
  sluice_apply_flags(${E_NAME})
endfunction()

# sluice_test(NAME name SOURCES ... DEPS ... [LABELS ...] [FIXTURES ...] [TIMEOUT s]):
# a GoogleTest binary registered as one CTest test. Tests find the source tree and
# the shared reference through environment variables.
function(sluice_test)
  cmake_parse_arguments(T "" "NAME;TIMEOUT" "SOURCES;DEPS;LABELS;FIXTURES;ENV" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE ${T_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  target_include_directories(${T_NAME} PRIVATE ${CMAKE_SOURCE_DIR}/tests)
  sluice_apply_flags(${T_NAME})
  add_test(NAME ${T_NAME} COMMAND ${T_NAME})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  set_tests_properties(${T_NAME} PROPERTIES TIMEOUT ${T_TIMEOUT}
    ENVIRONMENT "SLUICE_SOURCE_DIR=${CMAKE_SOURCE_DIR};SLUICE_BINARY_DIR=${CMAKE_BINARY_DIR};SLUICE_REFERENCE_DIR=${SLUICE_REFERENCE_DIR};${T_ENV}")
  if(T_LABELS)
    set_tests_properties(${T_NAME} PROPERTIES LABELS "${T_LABELS}")
  endif()
  if(T_FIXTURES)
    set_tests_properties(${T_NAME} PROPERTIES FIXTURES_REQUIRED "${T_FIXTURES}")
  endif()
endfunction()

# The shared reference material lives beside the checkout (../shared/reference);
# tests read it from there and never copy it.
get_filename_component(_ref "${CMAKE_SOURCE_DIR}/../shared/reference" ABSOLUTE)
set(SLUICE_REFERENCE_DIR "${_ref}" CACHE PATH "Flink reference material for the tests")
