// The plain `moeplan` binary links no CUDA, cuBLASLt, CUPTI, NCCL or MPI library, so every command starts in
// milliseconds. The two commands that need them - `calibrate --backend cuda` and `sweep` under an MPI
// launcher - run the sibling executable moeplan-full (the same commands with those libraries linked in),
// which replaces this process with the same arguments.
#pragma once

#include <string>

#include "cli/cli_context.h"

namespace moeplan::cli {

// Path of moeplan-full next to this executable, or "" when there is none (or it is this executable).
std::string full_binary_path();

// Replaces this process with moeplan-full and the same arguments when there is one; returns when there is
// not (the caller then goes on, and its backend explains what is missing). `why` names the need in the
// error raised when the exec itself fails.
void exec_full_binary(const CliContext& ctx, const std::string& why);

}  // namespace moeplan::cli
