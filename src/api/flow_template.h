#pragma once
// What a new flow starts as when it is created without YAML: the smallest flow that runs
// (one transform into an output), so the canvas has something to show and Run works at once.

#include <string>

namespace nextra::api {

std::string default_flow_yaml(const std::string& flow_name);
// The canvas layout for the default flow: two nodes and the edge between them.
std::string default_canvas_state();

}  // namespace nextra::api
