#include "api/flow_template.h"

#include <nlohmann/json.hpp>

namespace nextra::api {

std::string default_flow_yaml(const std::string& flow_name) {
  // The name goes in as a JSON string, which is also a valid YAML scalar, so no name can
  // break the document.
  return "organism:\n  name: " + nlohmann::json(flow_name).dump() +
         "\n"
         "\n"
         "payloads:\n"
         "  Request:\n"
         "    text: string\n"
         "  Result:\n"
         "    text: string\n"
         "\n"
         "listeners:\n"
         "  - name: start\n"
         "    payload_class: Request\n"
         "    handler: transform\n"
         "    description: Receives the input and passes it on\n"
         "    peers: [output]\n"
         "    transform:\n"
         "      payload: Result\n"
         "      fields:\n"
         "        text: \"{{ text }}\"\n"
         "\n"
         "  - name: output\n"
         "    payload_class: Result\n"
         "    handler: output\n"
         "    description: The result of the flow\n";
}

std::string default_canvas_state() {
  return R"({"nodes":[{"id":"start","type":"transform","position":{"x":80,"y":120}},)"
         R"({"id":"output","type":"output","position":{"x":380,"y":120}}],)"
         R"("edges":[{"id":"start->output","source":"start","target":"output"}],)"
         R"("viewport":{"x":0,"y":0,"zoom":1}})";
}

}  // namespace nextra::api
