# Every dependency comes from a Debian package through find_package; nothing is downloaded.
find_package(yaml-cpp REQUIRED)
find_package(CLI11 REQUIRED)
find_package(fmt REQUIRED)
find_package(Eigen3 REQUIRED NO_MODULE)
find_package(nlohmann_json REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(Threads REQUIRED)
if(MOEPLAN_ENABLE_TESTS)
  find_package(GTest REQUIRED)
endif()
if(MOEPLAN_ENABLE_BENCHMARKS)
  find_package(benchmark REQUIRED)
endif()

# yaml-cpp's Debian config exports `yaml-cpp` (0.7) or `yaml-cpp::yaml-cpp` (0.8); normalise.
if(TARGET yaml-cpp::yaml-cpp)
  set(MOEPLAN_YAML_TARGET yaml-cpp::yaml-cpp)
else()
  set(MOEPLAN_YAML_TARGET yaml-cpp)
endif()

# CUDA is optional: kernels build when nvcc exists (no GPU needed to compile).
set(MOEPLAN_HAVE_CUDA OFF)
if(MOEPLAN_ENABLE_CUDA)
  if(NOT CMAKE_CUDA_COMPILER AND EXISTS /usr/local/cuda/bin/nvcc)
    set(CMAKE_CUDA_COMPILER /usr/local/cuda/bin/nvcc)
  endif()
  include(CheckLanguage)
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    enable_language(CUDA)
    find_package(CUDAToolkit)
    if(CUDAToolkit_FOUND)
      set(MOEPLAN_HAVE_CUDA ON)
    endif()
  endif()
endif()
message(STATUS "moeplan: CUDA kernels ${MOEPLAN_HAVE_CUDA}")

set(MOEPLAN_HAVE_MPI OFF)
if(MOEPLAN_ENABLE_MPI)
  find_package(MPI COMPONENTS CXX QUIET)
  if(MPI_CXX_FOUND)
    set(MOEPLAN_HAVE_MPI ON)
  endif()
endif()
message(STATUS "moeplan: MPI sweeps ${MOEPLAN_HAVE_MPI}")

# The process allocator of the executables: mimalloc (Debian libmimalloc-dev) when found. Linked as a shared
# library ahead of libc it replaces malloc/free for the whole process. It keeps freed memory for reuse, so
# the task graph of a second `des` step lands on pages the first one faulted in: one DeepSeek-V3 `des` step
# measured 22.8 ms of CPU and ~4,400 page faults per step with glibc malloc, 14.3 ms and ~0 with mimalloc
# (bench/README.md). Not under the sanitizers, which bring their own allocator. MOEPLAN_USE_MIMALLOC=OFF
# keeps glibc malloc.
option(MOEPLAN_USE_MIMALLOC "Link the executables against mimalloc when it is installed" ON)
add_library(moeplan_allocator INTERFACE)
set(MOEPLAN_HAVE_MIMALLOC OFF)
if(MOEPLAN_USE_MIMALLOC AND NOT MOEPLAN_SANITIZE)
  find_package(mimalloc QUIET)
  if(TARGET mimalloc)
    set(MOEPLAN_HAVE_MIMALLOC ON)
    # libstdc++ goes ahead of mimalloc among the needed libraries, so operator new/delete resolve to
    # libstdc++'s (which call malloc/free, i.e. mimalloc's): they throw std::bad_alloc when memory runs out,
    # where mimalloc's own operator new (built as C) aborts the process.
    target_link_libraries(moeplan_allocator INTERFACE stdc++ mimalloc)
  endif()
endif()
message(STATUS "moeplan: mimalloc allocator ${MOEPLAN_HAVE_MIMALLOC}")
