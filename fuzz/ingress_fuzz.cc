// Arbitrary bytes into the ingress pipeline (repair, C14N, envelope XSD, extraction, thread
// assignment, payload XSD + decode) with a small fixed schema. Besides "no crash, no
// sanitizer report", it checks what a message that gets through must satisfy: a canonical
// thread id, a payload that re-encodes to XML which parses back to the same XML, and an
// envelope the pipeline accepts again unchanged.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/uuid.h"
#include "ingress/pipeline.h"
#include "ingress/test_routes.h"
#include "xml/envelope.h"
#include "xml/payload_codec.h"
#include "xml/test_schema.h"

namespace {

struct Harness {
  std::shared_ptr<const nextra::schema::Schema> schema = nextra::xml::testing::make_test_schema();
  nextra::ingress::Pipeline pipeline{schema};
  nextra::ingress::RouteLookup route = nextra::ingress::testing::make_test_routes(schema);
};

void check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Harness h;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto env = h.pipeline.process(bytes, h.route);
  if (!env.ok()) {
    check(!env.error().message.empty());
    return 0;
  }
  check(nextra::is_canonical_uuid(env->thread));
  check(env->payload != nullptr && !env->from.empty() && !env->to.empty());

  std::string xml = nextra::xml::payload_to_xml(*env->payload);
  auto again = nextra::xml::parse_payload(xml, h.pipeline.xsd_cache());
  check(again.ok());
  check(nextra::xml::payload_to_xml(**again) == xml);

  std::string rebuilt = nextra::xml::make_envelope(env->from, env->to, env->thread, xml);
  auto second = h.pipeline.process(rebuilt, h.route);
  check(second.ok());
  check(second->thread == env->thread && second->from == env->from && second->to == env->to);
  check(nextra::xml::payload_to_xml(*second->payload) == xml);
  return 0;
}
