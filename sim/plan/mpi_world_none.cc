// MpiWorld of a binary that links no MPI library (the plain moeplan executable; see mpi_world.h): always a
// single rank. Under a launcher the CLI hands the sweep to moeplan-full first; reaching this constructor
// under one means no MPI build exists.
#include "sim/plan/mpi_world.h"
#include "sim/units/error.h"

namespace moeplan {

bool MpiWorld::available() { return false; }

MpiWorld::MpiWorld() {
  if (launched_by_mpi())
    throw_user_error("this moeplan was built without MPI but runs under an MPI launcher",
                     ErrorContext{.hint = "rebuild with MPI installed (moeplan-full then runs the ranks), or run "
                                          "without mpirun (threads only)"});
}

MpiWorld::~MpiWorld() = default;

void MpiWorld::barrier() const {}

}  // namespace moeplan
