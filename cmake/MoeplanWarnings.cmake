# Strict warnings for every moeplan target (google/benchmark's set, minus -Wconversion which fights the
# double/int arithmetic of a simulator more than it finds bugs here).
add_library(moeplan_warnings INTERFACE)
target_compile_options(moeplan_warnings INTERFACE
  $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wshadow -Wold-style-cast -Woverloaded-virtual -Wnon-virtual-dtor
  -Wimplicit-fallthrough -Wno-missing-field-initializers $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>>)
if(MOEPLAN_WERROR)
  target_compile_options(moeplan_warnings INTERFACE $<$<COMPILE_LANGUAGE:CXX>:-Werror>)
endif()
if(MOEPLAN_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
