// Detection of an MPI launcher by the environment it sets for its ranks (see mpi_world.h).
#include <cstdlib>
#include <initializer_list>

#include "sim/plan/mpi_world.h"

namespace moeplan {

bool launched_by_mpi() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "MV2_COMM_WORLD_SIZE"})
    if (std::getenv(v) != nullptr) return true;
  return false;
}

}  // namespace moeplan
