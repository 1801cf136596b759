#include "wasm/listener_config.h"

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <limits>

namespace nextra::wasm {
namespace {

constexpr const char* kKeys = "module, function, respond_with, tier, fuel, memory_pages, timeout_ms, call_depth, "
                              "input_bytes, output_bytes";

// Positions inside the re-emitted section are relative to where the section was written.
Error at(const flow::RawSection& s, const YAML::Mark& mark, const std::string& key, std::string message) {
  const std::string field = key.empty() ? "wasm" : "wasm." + key;
  Error e = Error::invalid(field + ": " + message);
  e.field = field;
  e.line = s.pos.line + (mark.line > 0 ? mark.line : 0);
  e.column = mark.line > 0 ? 0 : s.pos.column;
  return e;
}

Result<std::uint64_t> unsigned_value(const flow::RawSection& s, const YAML::Node& v, const std::string& key,
                                     std::uint64_t max) {
  std::uint64_t n = 0;
  const bool ok = v.IsScalar() && YAML::convert<std::uint64_t>::decode(v, n) && v.Scalar().find_first_not_of("0123456789") == std::string::npos;
  if (!ok || n == 0 || n > max) {
    return at(s, v.Mark(), key, "must be an integer between 1 and " + std::to_string(max));
  }
  return n;
}

Result<std::string> string_value(const flow::RawSection& s, const YAML::Node& v, const std::string& key) {
  if (!v.IsScalar() || v.Scalar().empty() || v.Scalar().size() > 200) {
    return at(s, v.Mark(), key, "must be a non-empty string of at most 200 characters");
  }
  return v.Scalar();
}

}  // namespace

Result<ListenerConfig> parse_listener_config(const flow::RawSection& section, const Limits& defaults) {
  YAML::Node root;
  try {
    root = YAML::Load(section.yaml);
  } catch (const YAML::Exception& e) {
    return at(section, e.mark, "", std::string("is not valid YAML: ") + e.msg);
  }
  if (!root.IsMap()) return at(section, root.Mark(), "", "must be a mapping such as {module: my-module}");
  ListenerConfig c;
  c.limits = defaults;
  for (const auto& kv : root) {
    const std::string key = kv.first.Scalar();
    const YAML::Node& v = kv.second;
    if (key == "module") {
      NEXTRA_ASSIGN_OR_RETURN(c.module, string_value(section, v, key));
    } else if (key == "function") {
      NEXTRA_ASSIGN_OR_RETURN(c.function, string_value(section, v, key));
    } else if (key == "respond_with") {
      NEXTRA_ASSIGN_OR_RETURN(c.respond_with, string_value(section, v, key));
    } else if (key == "tier") {
      NEXTRA_ASSIGN_OR_RETURN(c.tier, string_value(section, v, key));
      if (c.tier != "interpreter" && c.tier != "aot") {
        return at(section, v.Mark(), key, "tier must be interpreter or aot, not '" + c.tier + "'");
      }
    } else if (key == "fuel") {
      NEXTRA_ASSIGN_OR_RETURN(c.limits.fuel, unsigned_value(section, v, key, kMaxFuel));
    } else if (key == "memory_pages") {
      NEXTRA_ASSIGN_OR_RETURN(auto n, unsigned_value(section, v, key, kMaxMemoryPages));
      c.limits.memory_pages = static_cast<std::uint32_t>(n);
    } else if (key == "timeout_ms") {
      NEXTRA_ASSIGN_OR_RETURN(auto n, unsigned_value(section, v, key, static_cast<std::uint64_t>(kMaxTimeout.count())));
      c.limits.timeout = std::chrono::milliseconds(n);
    } else if (key == "call_depth") {
      NEXTRA_ASSIGN_OR_RETURN(auto n, unsigned_value(section, v, key, kMaxCallDepth));
      c.limits.call_depth = static_cast<std::uint32_t>(n);
    } else if (key == "input_bytes") {
      NEXTRA_ASSIGN_OR_RETURN(c.limits.input_bytes, unsigned_value(section, v, key, kMaxIoBytes));
    } else if (key == "output_bytes") {
      NEXTRA_ASSIGN_OR_RETURN(c.limits.output_bytes, unsigned_value(section, v, key, kMaxIoBytes));
    } else {
      return at(section, kv.first.Mark(), key, std::string("unknown key; the keys are ") + kKeys);
    }
  }
  if (c.module.empty()) return at(section, root.Mark(), "module", "is required: the id or name of an uploaded module");
  if (auto st = check_limits(c.limits); !st.ok()) {
    return at(section, root.Mark(), st.error().field, st.error().message);
  }
  return c;
}

}  // namespace nextra::wasm
