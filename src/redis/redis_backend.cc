#include "redis/redis_backend.h"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <optional>
#include <string_view>

#include "xml/payload_codec.h"
#include "xml/xsd_cache.h"

namespace nextra::redis {
namespace {

// ---- slot encoding: "S1" then length-prefixed fields ("<len>:<bytes>") -----------------
//   thread, from, to, at (ns since the epoch), is_self_call (0/1), payload XML ("" = none)

void put(std::string& out, std::string_view field) {
  out += std::to_string(field.size());
  out += ':';
  out += field;
}

bool take(std::string_view& in, std::string_view& field) {
  auto colon = in.find(':');
  if (colon == std::string_view::npos) return false;
  std::size_t len = 0;
  auto [p, ec] = std::from_chars(in.data(), in.data() + colon, len);
  if (ec != std::errc() || p != in.data() + colon || len > in.size() - colon - 1) return false;
  field = in.substr(colon + 1, len);
  in.remove_prefix(colon + 1 + len);
  return true;
}

std::string encode_slot(const pump::Slot& slot) {
  std::string out = "S1";
  put(out, slot.thread);
  put(out, slot.from);
  put(out, slot.to);
  put(out, std::to_string(std::chrono::duration_cast<std::chrono::nanoseconds>(slot.at.time_since_epoch()).count()));
  put(out, slot.is_self_call ? "1" : "0");
  put(out, slot.payload ? xml::payload_to_xml(*slot.payload) : std::string());
  return out;
}

// ---- scripts ---------------------------------------------------------------------------

// ARGV: prefix, thread, max_slots, max_threads, encoded slot. Returns the new index, or -1
// when the thread is full. A new thread beyond max_threads evicts the oldest-created one.
constexpr const char* kAppend = R"lua(
local prefix, thread = ARGV[1], ARGV[2]
local max_slots, max_threads = tonumber(ARGV[3]), tonumber(ARGV[4])
local threads = prefix .. 'buffer:threads'
local stats = prefix .. 'buffer:stats'
local buf = prefix .. 'buffer:' .. thread
if not redis.call('ZSCORE', threads, thread) then
  if redis.call('ZCARD', threads) >= max_threads then
    local oldest = redis.call('ZRANGE', threads, 0, 0)
    if #oldest > 0 then
      local okey = prefix .. 'buffer:' .. oldest[1]
      redis.call('HINCRBY', stats, 'total_slots', -redis.call('LLEN', okey))
      redis.call('DEL', okey)
      redis.call('ZREM', threads, oldest[1])
      redis.call('HINCRBY', stats, 'evicted', 1)
    end
  end
  redis.call('ZADD', threads, redis.call('HINCRBY', stats, 'seq', 1), thread)
end
local len = redis.call('LLEN', buf)
if len >= max_slots then return -1 end
redis.call('RPUSH', buf, ARGV[5])
redis.call('HINCRBY', stats, 'total_slots', 1)
return len
)lua";

// ARGV: prefix, thread.
constexpr const char* kDelete = R"lua(
local prefix, thread = ARGV[1], ARGV[2]
local buf = prefix .. 'buffer:' .. thread
local n = redis.call('LLEN', buf)
redis.call('DEL', buf)
redis.call('ZREM', prefix .. 'buffer:threads', thread)
if n > 0 then redis.call('HINCRBY', prefix .. 'buffer:stats', 'total_slots', -n) end
return n
)lua";

// ARGV: prefix. Returns {threads, total_slots, evicted}.
constexpr const char* kStats = R"lua(
local prefix = ARGV[1]
local s = redis.call('HMGET', prefix .. 'buffer:stats', 'total_slots', 'evicted')
return {redis.call('ZCARD', prefix .. 'buffer:threads'), tonumber(s[1] or '0'), tonumber(s[2] or '0')}
)lua";

// ARGV: prefix, chain key, uuid.
constexpr const char* kRegistrySet = R"lua(
local prefix = ARGV[1]
redis.call('SET', prefix .. 'registry:chain:' .. ARGV[2], ARGV[3])
redis.call('SET', prefix .. 'registry:uuid:' .. ARGV[3], ARGV[2])
redis.call('SADD', prefix .. 'registry:index', ARGV[3])
return 1
)lua";

// ARGV: prefix, uuid. Removes both directions; the chain entry only if it still maps here.
constexpr const char* kRegistryDelete = R"lua(
local prefix, uuid = ARGV[1], ARGV[2]
local ukey = prefix .. 'registry:uuid:' .. uuid
local chain = redis.call('GET', ukey)
if not chain then return 0 end
local ckey = prefix .. 'registry:chain:' .. chain
if redis.call('GET', ckey) == uuid then redis.call('DEL', ckey) end
redis.call('DEL', ukey)
redis.call('SREM', prefix .. 'registry:index', uuid)
return 1
)lua";

std::string size_arg(std::size_t n) {
  // Lua numbers are doubles: clamp so "unlimited" stays a huge, exact-enough number.
  constexpr std::size_t kMax = std::size_t{1} << 52;
  return std::to_string(n > kMax ? kMax : n);
}

class RedisBackendImpl final : public RedisBackend {
 public:
  RedisBackendImpl(std::shared_ptr<Connection> conn, std::string prefix, const schema::Schema& schema,
                   pump::BufferLimits limits)
      : conn_(std::move(conn)), prefix_(std::move(prefix)), xsd_(schema), limits_(limits) {}

  Result<std::size_t> buffer_append(pump::Slot slot) override {
    if (slot.thread == "threads" || slot.thread == "stats") {
      return Error::invalid("thread id '" + slot.thread + "' is reserved by the redis backend");
    }
    NEXTRA_ASSIGN_OR_RETURN(
        Reply r, conn_->command({"EVAL", kAppend, "0", prefix_, slot.thread, size_arg(limits_.max_slots_per_thread),
                                 size_arg(limits_.max_threads), encode_slot(slot)}));
    if (!r.is_integer()) return Error::make(ErrorCode::Internal, "redis backend: unexpected append reply");
    if (r.integer < 0) {
      return Error::make(ErrorCode::ResourceExhausted, "thread " + slot.thread + " exceeded context buffer limit");
    }
    return static_cast<std::size_t>(r.integer);
  }

  std::vector<pump::Slot> buffer_thread(const std::string& thread) const override {
    auto r = conn_->command({"LRANGE", buffer_key(thread), "0", "-1"});
    std::vector<pump::Slot> out;
    if (!ok(r) || !r->is_array()) return out;
    out.reserve(r->elements.size());
    for (std::size_t i = 0; i < r->elements.size(); ++i) {
      auto slot = decode_slot(r->elements[i].str);
      if (!slot) {
        ++errors_;
        continue;
      }
      slot->index = i;
      out.push_back(std::move(*slot));
    }
    return out;
  }

  std::size_t buffer_length(const std::string& thread) const override {
    auto r = conn_->command({"LLEN", buffer_key(thread)});
    return ok(r) && r->is_integer() ? static_cast<std::size_t>(r->integer) : 0;
  }

  void buffer_delete(const std::string& thread) override {
    (void)ok(conn_->command({"EVAL", kDelete, "0", prefix_, thread}, Retry::Idempotent));
  }

  pump::BufferStats buffer_stats() const override {
    auto r = conn_->command({"EVAL", kStats, "0", prefix_}, Retry::Idempotent);
    if (!ok(r) || !r->is_array() || r->elements.size() != 3) return {};
    auto n = [&](std::size_t i) { return static_cast<std::size_t>(std::max<std::int64_t>(0, r->elements[i].integer)); };
    return {n(0), n(1), n(2)};
  }

  void registry_set(const std::string& chain_key, const std::string& uuid) override {
    (void)ok(conn_->command({"EVAL", kRegistrySet, "0", prefix_, chain_key, uuid}, Retry::Idempotent));
  }

  std::optional<std::string> registry_uuid(const std::string& chain_key) const override {
    return get(prefix_ + "registry:chain:" + chain_key);
  }

  std::optional<std::string> registry_chain(const std::string& uuid) const override {
    return get(prefix_ + "registry:uuid:" + uuid);
  }

  void registry_delete(const std::string& uuid) override {
    (void)ok(conn_->command({"EVAL", kRegistryDelete, "0", prefix_, uuid}, Retry::Idempotent));
  }

  std::size_t registry_size() const override {
    auto r = conn_->command({"SCARD", prefix_ + "registry:index"});
    return ok(r) && r->is_integer() ? static_cast<std::size_t>(r->integer) : 0;
  }

  std::uint64_t redis_errors() const override { return errors_.load(); }
  const std::string& prefix() const override { return prefix_; }

 private:
  std::string buffer_key(const std::string& thread) const { return prefix_ + "buffer:" + thread; }

  template <typename T>
  bool ok(const Result<T>& r) const {
    if (!r.ok()) ++errors_;
    return r.ok();
  }

  std::optional<std::string> get(const std::string& key) const {
    auto r = conn_->command({"GET", key});
    if (!ok(r) || !r->is_string()) return std::nullopt;
    return r->str;
  }

  std::optional<pump::Slot> decode_slot(std::string_view in) const {
    if (in.substr(0, 2) != "S1") return std::nullopt;
    in.remove_prefix(2);
    std::string_view thread, from, to, at, self, payload;
    if (!take(in, thread) || !take(in, from) || !take(in, to) || !take(in, at) || !take(in, self) ||
        !take(in, payload) || !in.empty()) {
      return std::nullopt;
    }
    std::int64_t ns = 0;
    auto [p, ec] = std::from_chars(at.data(), at.data() + at.size(), ns);
    if (ec != std::errc() || p != at.data() + at.size()) return std::nullopt;
    pump::Slot slot;
    slot.thread = thread;
    slot.from = from;
    slot.to = to;
    slot.at = std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::nanoseconds(ns)));
    slot.is_self_call = self == "1";
    if (!payload.empty()) {
      auto parsed = xml::parse_payload(payload, xsd_);
      if (parsed.ok()) {
        slot.payload = std::move(parsed).value();
      } else {
        ++errors_;  // kept with a null payload: the slot's position still counts
      }
    }
    return slot;
  }

  const std::shared_ptr<Connection> conn_;
  const std::string prefix_;
  const xml::XsdCache xsd_;
  const pump::BufferLimits limits_;
  mutable std::atomic<std::uint64_t> errors_{0};
};

}  // namespace

std::unique_ptr<RedisBackend> make_redis_backend(std::shared_ptr<Connection> connection, std::string prefix,
                                                 const schema::Schema& schema, pump::BufferLimits limits) {
  return std::make_unique<RedisBackendImpl>(std::move(connection), std::move(prefix), schema, limits);
}

std::string flow_prefix(const std::string& org, const std::string& flow) {
  return "tenant:" + org + ":flow:" + flow + ":";
}

}  // namespace nextra::redis
