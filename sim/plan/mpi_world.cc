// MpiWorld over a real MPI library (linked into moeplan-full only; see mpi_world.h).
#include "sim/plan/mpi_world.h"

#include <mpi.h>

namespace moeplan {

bool MpiWorld::available() { return true; }

MpiWorld::MpiWorld() {
  if (!launched_by_mpi()) return;
  int initialised = 0;
  MPI_Initialized(&initialised);
  if (!initialised) MPI_Init(nullptr, nullptr);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  active_ = true;
}

MpiWorld::~MpiWorld() {
  if (active_) {
    int finalised = 0;
    MPI_Finalized(&finalised);
    if (!finalised) MPI_Finalize();
  }
}

void MpiWorld::barrier() const {
  if (active_) MPI_Barrier(MPI_COMM_WORLD);
}

}  // namespace moeplan
