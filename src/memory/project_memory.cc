#include "memory/project_memory.h"

#include <chrono>

#include "xml/escape.h"

namespace nextra::memory {

Status check_key(std::string_view key) {
  if (key.empty()) return Error::invalid("key is required");
  if (key.size() > kMaxKeyBytes) {
    return Error::invalid("key is longer than " + std::to_string(kMaxKeyBytes) + " bytes");
  }
  for (unsigned char c : key) {
    if (c < 0x20 || c == 0x7f) return Error::invalid("key must not contain control characters");
  }
  if (!xml::is_valid_xml_text(key)) return Error::invalid("key must be UTF-8 text");
  return {};
}

Status check_value(std::string_view value) {
  if (value.size() > kMaxValueBytes) {
    return Error::invalid("value is larger than " + std::to_string(kMaxValueBytes / 1024) + " KiB");
  }
  // What a payload can carry is what memory may hold: the tool answers values in XML.
  if (!xml::is_valid_xml_text(value)) return Error::invalid("value must be UTF-8 text without control characters");
  return {};
}

ProjectMemory::ProjectMemory(store::Store& store, std::string org_id, std::string flow_id, std::int64_t max_bytes,
                             Clock now)
    : store_(store), org_id_(std::move(org_id)), flow_id_(std::move(flow_id)), max_bytes_(max_bytes), now_(std::move(now)) {}

std::int64_t ProjectMemory::now_ms() const {
  if (now_) return now_();
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<std::optional<std::string>> ProjectMemory::get(std::string_view key) {
  NEXTRA_TRY(check_key(key));
  NEXTRA_ASSIGN_OR_RETURN(auto entry, store_.get_memory(org_id_, flow_id_, std::string(key), now_ms()));
  if (!entry) return std::optional<std::string>();
  return std::optional<std::string>(std::move(entry->value));
}

Result<bool> ProjectMemory::set(std::string_view key, std::string_view value, std::int64_t ttl_seconds) {
  NEXTRA_TRY(check_key(key));
  NEXTRA_TRY(check_value(value));
  if (ttl_seconds < 0 || ttl_seconds > kMaxTtlSeconds) {
    return Error::invalid("ttl_seconds must be 0 (keep until deleted) to " + std::to_string(kMaxTtlSeconds));
  }
  store::SetMemoryRequest req;
  req.org_id = org_id_;
  req.flow_id = flow_id_;
  req.key = std::string(key);
  req.value = std::string(value);
  req.now_ms = now_ms();
  if (ttl_seconds > 0) req.expires_at_ms = req.now_ms + ttl_seconds * 1000;
  req.max_bytes = max_bytes_;
  NEXTRA_ASSIGN_OR_RETURN(auto written, store_.set_memory(req));
  return written.replaced;
}

Result<bool> ProjectMemory::remove(std::string_view key) {
  NEXTRA_TRY(check_key(key));
  return store_.delete_memory(org_id_, flow_id_, std::string(key), now_ms());
}

std::shared_ptr<ProjectMemory> make_flow_memory(store::Store* store, const std::string& org_id,
                                                const std::string& flow_id, const flow::OrganismSpec* spec) {
  if (!store || !spec || !spec->memory.enabled || org_id.empty() || flow_id.empty()) return nullptr;
  return std::make_shared<ProjectMemory>(*store, org_id, flow_id, spec->memory.max_bytes);
}

namespace {

class ModuleKv final : public wasm::KvStore {
 public:
  ModuleKv(std::shared_ptr<ProjectMemory> memory, std::string module)
      : memory_(std::move(memory)), prefix_(std::string(kModulePrefix) + std::move(module) + ":") {}

  Result<std::optional<std::string>> get(std::string_view key) override { return memory_->get(prefix_ + std::string(key)); }
  Status set(std::string_view key, std::string_view value) override {
    NEXTRA_TRY(memory_->set(prefix_ + std::string(key), value));
    return {};
  }

 private:
  std::shared_ptr<ProjectMemory> memory_;
  std::string prefix_;
};

}  // namespace

std::unique_ptr<wasm::KvStore> make_module_kv(std::shared_ptr<ProjectMemory> memory, std::string module) {
  if (!memory) return nullptr;
  return std::make_unique<ModuleKv>(std::move(memory), std::move(module));
}

}  // namespace nextra::memory
