// Models named by their HuggingFace hub id (`model: hf:Qwen/Qwen3-235B-A22B`), read from the local
// HuggingFace cache only: nothing is downloaded. The cache layout is huggingface_hub's:
// <hub cache>/models--<org>--<name>/snapshots/<revision>/config.json, with refs/main naming the revision.
#pragma once

#include <string>
#include <vector>

#include "sim/spec/model_spec.h"

namespace moeplan::io {

// The hub cache folders looked in, in order, as huggingface_hub resolves them: $HF_HUB_CACHE, else
// $HF_HOME/hub, else $XDG_CACHE_HOME/huggingface/hub, else ~/.cache/huggingface/hub.
std::vector<std::string> hf_hub_cache_dirs();

// The cached config.json of `repo_id` ("org/name"): the snapshot refs/main names, else the last snapshot (by
// name) that has one. Throws a user Error (key `model`) naming the folder looked in and how to fetch the file
// when it is not cached, or when `repo_id` is not "org/name".
std::string find_hf_cached_config(const std::string& repo_id);

// The model of `repo_id` from the cache, named `repo_id` unless its config names itself.
ModelSpec load_hf_hub_model(const std::string& repo_id);

}  // namespace moeplan::io
