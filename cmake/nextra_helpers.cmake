# nextra_add_library(name SOURCES ... DEPS ...) -> target nextra_<name>, alias nextra::<name>.
# nextra_add_tests(name SOURCES ... DEPS ... LABEL unit) -> one gtest binary, registered with ctest.

set(NEXTRA_WARNINGS -Wall -Wextra -Wpedantic -Wnon-virtual-dtor -Wno-missing-field-initializers -Werror)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  list(APPEND NEXTRA_WARNINGS -Wshadow=local)
else()
  list(APPEND NEXTRA_WARNINGS -Wshadow-uncaptured-local)
endif()

if(NEXTRA_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

function(nextra_add_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(nextra_${name} STATIC ${ARG_SOURCES})
  add_library(nextra::${name} ALIAS nextra_${name})
  target_include_directories(nextra_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_compile_options(nextra_${name} PRIVATE ${NEXTRA_WARNINGS})
  target_link_libraries(nextra_${name} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
endfunction()

include(GoogleTest)

function(nextra_add_tests name)
  cmake_parse_arguments(ARG "" "LABEL" "SOURCES;DEPS" ${ARGN})
  if(NOT NEXTRA_BUILD_TESTS)
    return()
  endif()
  if(NOT ARG_LABEL)
    set(ARG_LABEL unit)
  endif()
  add_executable(nextra_${name}_tests ${ARG_SOURCES})
  target_compile_options(nextra_${name}_tests PRIVATE ${NEXTRA_WARNINGS})
  target_link_libraries(nextra_${name}_tests PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main)
  # Each GoogleTest case is its own ctest test, so the summary counts real test cases.
  target_compile_definitions(nextra_${name}_tests PRIVATE
    NEXTRA_DEFAULT_BIN="$<TARGET_FILE:nextra>" NEXTRA_DEFAULT_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  gtest_discover_tests(nextra_${name}_tests
    TEST_PREFIX "${name}."
    DISCOVERY_MODE PRE_TEST
    DISCOVERY_TIMEOUT 60
    PROPERTIES LABELS ${ARG_LABEL})
endfunction()
