// Strongly typed indices for everything the engine stores in flat vectors.
//
// Ids are plain 32-bit indices wrapped in enum classes so a stream id cannot be passed where a task id is
// expected; `index(id)` unwraps one. The all-ones value means "none".
#pragma once

#include <cstdint>

namespace moeplan::engine {

enum class TaskId : std::uint32_t {};
enum class StreamId : std::uint32_t {};
enum class GpuId : std::uint32_t {};           // an SM domain whose compute tasks share SMs
enum class SmReservationId : std::uint32_t {};
enum class LinkId : std::uint32_t {};
enum class PathId : std::uint32_t {};
enum class CounterId : std::uint32_t {};
enum class TrackId : std::uint32_t {};
enum class LabelId : std::uint32_t {};

inline constexpr std::uint32_t kNoIndex = 0xFFFFFFFFu;
inline constexpr TaskId kNoTask{kNoIndex};
inline constexpr StreamId kNoStream{kNoIndex};
inline constexpr GpuId kNoGpu{kNoIndex};
inline constexpr SmReservationId kNoReservation{kNoIndex};
inline constexpr PathId kNoPath{kNoIndex};
inline constexpr CounterId kNoCounter{kNoIndex};
inline constexpr TrackId kNoTrack{kNoIndex};
inline constexpr LabelId kNoLabel{kNoIndex};

template <typename Id>
constexpr std::uint32_t index(Id id) {
  return static_cast<std::uint32_t>(id);
}

}  // namespace moeplan::engine
