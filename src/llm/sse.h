#pragma once
// An incremental Server-Sent Events reader for streamed completions: bytes go in as they
// arrive from the socket, complete events come out. Comment lines (heartbeats) and `id:`
// are ignored. Bounded: an event larger than max_event_bytes is an error, not a memory leak.

#include <functional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace nextra::llm {

class SseReader {
 public:
  using OnEvent = std::function<Status(std::string_view event, std::string_view data)>;

  explicit SseReader(OnEvent on_event, std::size_t max_event_bytes = 1024 * 1024)
      : on_event_(std::move(on_event)), max_event_bytes_(max_event_bytes) {}

  // Feeds bytes; calls on_event for each complete event. Returns the first error (from the
  // size limit or from on_event); after an error, later feeds are refused.
  Status feed(std::string_view bytes);
  // Delivers a last event that was not followed by a blank line.
  Status finish();

 private:
  Status line(std::string_view l);
  Status dispatch();

  OnEvent on_event_;
  std::size_t max_event_bytes_;
  std::string pending_;  // an incomplete line
  std::string event_;
  std::string data_;
  bool has_data_ = false;
  bool failed_ = false;
};

}  // namespace nextra::llm
