// Internal to the schedule library: the builders behind build_schedule(). Each receives an order whose
// shape (ranks, stages, directions, micro_batches, stage_rank, rank_stages) is already set and fills
// per_rank. Argument checks happen in build_schedule.cc before these run.
#pragma once

#include "sim/schedule/pipeline_order.h"

namespace moeplan::schedule_detail {

void fill_gpipe(PipelineOrder& order);
// 1F1B; with split_backward the ZB-H1 variant (B and W split, W deferred on later ranks).
void fill_1f1b(PipelineOrder& order, bool split_backward);
void fill_interleaved(PipelineOrder& order, int virtual_stages);
void fill_dualpipe(PipelineOrder& order);
void fill_dualpipev(PipelineOrder& order);

}  // namespace moeplan::schedule_detail
