#pragma once
// pump::SharedBackend on Redis: one flow's context buffers and thread registry, every key
// under `prefix` ("tenant:{org}:flow:{flow}:"), so a pump holding a backend for one flow
// cannot read or write another flow's state. Keys (see README.md):
//   {prefix}buffer:{thread}       list of encoded slots, index = position
//   {prefix}buffer:threads        zset thread -> creation sequence (eviction order)
//   {prefix}buffer:stats          hash seq / total_slots / evicted
//   {prefix}registry:chain:{key}  string -> uuid
//   {prefix}registry:uuid:{uuid}  string -> chain key
//   {prefix}registry:index        set of registered uuids (registry_size)
// Appends, eviction, deletes and registry updates are single Lua scripts (atomic).
//
// Errors: buffer_append returns them (Unavailable when Redis is down, ResourceExhausted as
// in the memory backend, InvalidArgument for the reserved thread names "threads" and
// "stats"). The other SharedBackend methods have no error channel: on a Redis failure
// reads return empty / nullopt / zero and writes are dropped; each such failure is
// counted in redis_errors(). A slot whose payload no longer decodes against the schema
// is returned with a null payload.

#include <cstdint>
#include <memory>
#include <string>

#include "pump/shared_backend.h"
#include "redis/connection.h"
#include "schema/types.h"

namespace nextra::redis {

class RedisBackend : public pump::SharedBackend {
 public:
  // Failures swallowed by the methods without an error channel, since construction.
  virtual std::uint64_t redis_errors() const = 0;
  virtual const std::string& prefix() const = 0;
};

// REQUIRES: `schema` outlives the backend (payloads are decoded against it).
std::unique_ptr<RedisBackend> make_redis_backend(std::shared_ptr<Connection> connection, std::string prefix,
                                                 const schema::Schema& schema, pump::BufferLimits limits = {});

// "tenant:{org}:flow:{flow}:"
std::string flow_prefix(const std::string& org, const std::string& flow);

}  // namespace nextra::redis
