// MPI world for `moeplan sweep` under mpirun: initialised only when the process was started by an MPI
// launcher (Open MPI, MPICH/PMI, PMIx environment variables), so a plain run never needs MPI at all.
// Two implementations, chosen by what an executable links: mpi_world.cc (Open MPI, in moeplan-full) and
// mpi_world_none.cc (no MPI library, in the plain moeplan binary, which starts without loading one).
#pragma once

namespace moeplan {

// Whether an MPI launcher started this process (its environment variables are set).
bool launched_by_mpi();

class MpiWorld {
 public:
  // Joins the world when launched_by_mpi(); a single rank otherwise. The implementation without MPI throws
  // a user Error when launched by MPI (the CLI runs moeplan-full before it gets here).
  MpiWorld();
  ~MpiWorld();
  MpiWorld(const MpiWorld&) = delete;
  MpiWorld& operator=(const MpiWorld&) = delete;
  int rank() const { return rank_; }
  int size() const { return size_; }
  bool active() const { return active_; }
  void barrier() const;
  // Whether this binary was linked with MPI.
  static bool available();

 private:
  int rank_ = 0, size_ = 1;
  bool active_ = false;
};

}  // namespace moeplan
