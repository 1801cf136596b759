#include "llm/sse.h"

namespace nextra::llm {

Status SseReader::feed(std::string_view bytes) {
  if (failed_) return Error::make(ErrorCode::Unavailable, "event stream already failed");
  pending_.append(bytes);
  std::size_t start = 0;
  for (;;) {
    auto nl = pending_.find('\n', start);
    if (nl == std::string::npos) break;
    std::string_view l(pending_.data() + start, nl - start);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    Status s = line(l);
    if (!s.ok()) {
      failed_ = true;
      return s;
    }
    start = nl + 1;
  }
  pending_.erase(0, start);
  if (pending_.size() + data_.size() > max_event_bytes_) {
    failed_ = true;
    return Error::make(ErrorCode::ResourceExhausted, "stream event larger than " + std::to_string(max_event_bytes_) + " bytes");
  }
  return {};
}

Status SseReader::finish() {
  if (failed_) return {};
  if (!pending_.empty()) {
    std::string rest = std::move(pending_);
    pending_.clear();
    NEXTRA_TRY(line(rest));
  }
  return dispatch();
}

Status SseReader::line(std::string_view l) {
  if (l.empty()) return dispatch();
  if (l.front() == ':') return {};  // comment / heartbeat
  auto colon = l.find(':');
  std::string_view field = l.substr(0, colon);
  std::string_view value = colon == std::string_view::npos ? std::string_view() : l.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  if (field == "event") {
    event_.assign(value);
  } else if (field == "data") {
    if (has_data_) data_.push_back('\n');
    data_.append(value);
    has_data_ = true;
    if (data_.size() > max_event_bytes_) {
      return Error::make(ErrorCode::ResourceExhausted, "stream event larger than " + std::to_string(max_event_bytes_) + " bytes");
    }
  }
  return {};
}

Status SseReader::dispatch() {
  if (!has_data_) {
    event_.clear();
    return {};
  }
  Status s = on_event_(event_, data_);
  event_.clear();
  data_.clear();
  has_data_ = false;
  return s;
}

}  // namespace nextra::llm
