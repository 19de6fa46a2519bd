# moeplan_add_library(NAME SOURCES ... [DEPS ...]): a layer library `moeplan_<NAME>` with alias
# `moeplan::<NAME>`, headers included from the repository root ("sim/units/units.h").
function(moeplan_add_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(moeplan_${name} STATIC ${ARG_SOURCES})
  add_library(moeplan::${name} ALIAS moeplan_${name})
  target_include_directories(moeplan_${name} PUBLIC ${PROJECT_SOURCE_DIR} ${PROJECT_BINARY_DIR}/generated)
  target_link_libraries(moeplan_${name} PUBLIC ${ARG_DEPS} PRIVATE moeplan_warnings)
endfunction()

# moeplan_add_test(NAME SOURCES ... [DEPS ...] [LABELS ...] [SANITIZE]): a GoogleTest executable
# registered with CTest. SANITIZE adds it to the `sanitize_tests` target that the test command builds
# and runs under ASan/UBSan. Tests run from the repository root so they can read scenarios/.
set_property(GLOBAL PROPERTY MOEPLAN_SANITIZE_TESTS "")
function(moeplan_add_test name)
  cmake_parse_arguments(ARG "SANITIZE" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main moeplan_warnings)
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR} ${PROJECT_BINARY_DIR}/generated)
  add_test(NAME ${name} COMMAND ${name} WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set(labels ${ARG_LABELS})
  if(ARG_SANITIZE)
    list(APPEND labels sanitize)
    set_property(GLOBAL APPEND PROPERTY MOEPLAN_SANITIZE_TESTS ${name})
  endif()
  if(labels)
    set_tests_properties(${name} PROPERTIES LABELS "${labels}")
  endif()
endfunction()
