#include "store/step_codec.h"

#include <nlohmann/json.hpp>

#include "schema/value_text.h"

namespace nextra::store {

std::string encode_steps(const std::vector<ExecutionStep>& steps) {
  std::string out = "[";
  for (const ExecutionStep& s : steps) {
    if (out.size() > 1) out += ',';
    out += '[';
    out += std::to_string(s.step_index);
    for (const std::string* text : {&s.sender, &s.target, &s.payload_class, &s.payload, &s.status, &s.error}) {
      out += ',';
      schema::append_json_string(*text, out);
    }
    out += ',';
    out += std::to_string(s.started_at_ms);
    out += ',';
    out += s.finished_at_ms ? std::to_string(*s.finished_at_ms) : "null";
    out += ']';
  }
  out += ']';
  return out;
}

Result<std::vector<ExecutionStep>> decode_steps(std::string_view text, const std::string& execution_id) {
  auto damaged = [&] {
    return Error::make(ErrorCode::Internal, "the stored steps of execution " + execution_id + " are unreadable");
  };
  auto doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_array()) return damaged();
  std::vector<ExecutionStep> out;
  out.reserve(doc.size());
  for (const auto& item : doc) {
    if (!item.is_array() || item.size() != 9 || !item[0].is_number_integer() || !item[7].is_number_integer() ||
        !(item[8].is_number_integer() || item[8].is_null())) {
      return damaged();
    }
    for (int i = 1; i <= 6; ++i) {
      if (!item[i].is_string()) return damaged();
    }
    ExecutionStep s;
    s.execution_id = execution_id;
    s.step_index = item[0].get<std::int64_t>();
    s.sender = item[1].get<std::string>();
    s.target = item[2].get<std::string>();
    s.payload_class = item[3].get<std::string>();
    s.payload = item[4].get<std::string>();
    s.status = item[5].get<std::string>();
    s.error = item[6].get<std::string>();
    s.started_at_ms = item[7].get<std::int64_t>();
    if (!item[8].is_null()) s.finished_at_ms = item[8].get<std::int64_t>();
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace nextra::store
