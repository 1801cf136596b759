// Ingress costs per message: the whole Pipeline::process on a typical 3-field envelope,
// each step on its own, and the writer/reader pair the pump and the CLI use. Compare with
// performance-budget.md: one hop of the full XML discipline with libxml2 ~13 us, which
// BM_Baseline_BareLibxml2Hop re-measures in the same run (the only code outside src/xml
// that calls libxml2 directly, and only to have that baseline).

#include <benchmark/benchmark.h>
#include <libxml/c14n.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#include "ingress/pipeline.h"
#include "ingress/test_routes.h"
#include "xml/c14n.h"
#include "xml/envelope.h"
#include "xml/payload_codec.h"
#include "xml/test_schema.h"
#include "xml/xsd_generator.h"

namespace nextra::ingress {
namespace {

constexpr const char* kThread = "6ba7b810-9dad-41d1-80b4-00c04fd430c8";

struct Fixture {
  std::shared_ptr<const schema::Schema> schema = xml::testing::make_test_schema();
  Pipeline pipeline{schema};
  RouteLookup route = testing::make_test_routes(schema);
  schema::Payload payload;
  std::string payload_xml;
  std::string envelope;

  Fixture() {
    payload.record.cls = schema->find("Shout");
    payload.record.fields = {schema::Value("HELLO, ADA!"), schema::Value("greeter"), schema::Value(11)};
    payload_xml = xml::payload_to_xml(payload);
    envelope = xml::make_envelope("greeter", "shouter", kThread, payload_xml);
    if (!pipeline.warm_up().ok()) std::abort();
  }
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

MessageState state_after(int steps) {
  auto& f = fixture();
  MessageState s;
  s.raw_bytes = f.envelope;
  auto envelope_xsd = *xml::envelope_schema();
  if (steps >= 1 && !repair_step(s, {}).ok()) std::abort();
  if (steps >= 2 && !c14n_step(s, {}).ok()) std::abort();
  if (steps >= 3 && !envelope_validation_step(s, *envelope_xsd).ok()) std::abort();
  if (steps >= 4 && !payload_extraction_step(s).ok()) std::abort();
  if (steps >= 5 && !thread_assignment_step(s).ok()) std::abort();
  return s;
}

void BM_PipelineProcess(benchmark::State& st) {
  auto& f = fixture();
  for (auto _ : st) {
    auto env = f.pipeline.process(f.envelope, f.route);
    benchmark::DoNotOptimize(env);
  }
  st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_PipelineProcess)->ThreadRange(1, 2)->UseRealTime();

// One hop as performance-budget.md counts it: ingress + build the next envelope.
void BM_FullHop(benchmark::State& st) {
  auto& f = fixture();
  std::string out;
  for (auto _ : st) {
    auto env = f.pipeline.process(f.envelope, f.route);
    out.clear();
    std::string payload = xml::payload_to_xml(*env->payload);
    xml::append_envelope("shouter", "response-handler", env->thread, payload, out);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_FullHop);

void BM_Step1_RepairParse(benchmark::State& st) {
  auto& f = fixture();
  for (auto _ : st) {
    auto doc = xml::parse(f.envelope, /*recover=*/true);
    benchmark::DoNotOptimize(doc);
  }
}
BENCHMARK(BM_Step1_RepairParse);

void BM_Step2_C14nAndReparse(benchmark::State& st) {
  auto s = state_after(1);
  for (auto _ : st) {
    auto canonical = xml::exclusive_c14n(s.document);
    auto doc = xml::parse(*canonical, /*recover=*/false);
    benchmark::DoNotOptimize(doc);
  }
}
BENCHMARK(BM_Step2_C14nAndReparse);

void BM_Step2a_C14nOnly(benchmark::State& st) {
  auto s = state_after(1);
  for (auto _ : st) {
    auto canonical = xml::exclusive_c14n(s.document);
    benchmark::DoNotOptimize(canonical);
  }
}
BENCHMARK(BM_Step2a_C14nOnly);

void BM_Step3_EnvelopeXsd(benchmark::State& st) {
  auto s = state_after(2);
  auto xsd = *xml::envelope_schema();
  for (auto _ : st) {
    auto ok = xsd->validate(s.document);
    benchmark::DoNotOptimize(ok);
  }
}
BENCHMARK(BM_Step3_EnvelopeXsd);

void BM_Step4and5_ExtractAndThread(benchmark::State& st) {
  auto s = state_after(3);
  for (auto _ : st) {
    s.error.reset();
    auto a = payload_extraction_step(s);
    auto b = thread_assignment_step(s);
    benchmark::DoNotOptimize(a);
    benchmark::DoNotOptimize(b);
  }
}
BENCHMARK(BM_Step4and5_ExtractAndThread);

void BM_Step7_PayloadXsdAndDecode(benchmark::State& st) {
  auto& f = fixture();
  auto s = state_after(5);
  for (auto _ : st) {
    s.payload.reset();
    auto ok = payload_validation_step(s, f.route, f.pipeline.xsd_cache());
    benchmark::DoNotOptimize(ok);
  }
}
BENCHMARK(BM_Step7_PayloadXsdAndDecode);

void BM_Step7a_PayloadXsdOnly(benchmark::State& st) {
  auto& f = fixture();
  auto s = state_after(5);
  auto xsd = *f.pipeline.xsd_cache().get(*f.schema->find("Shout"));
  for (auto _ : st) {
    auto ok = xsd->validate_element(s.payload_element);
    benchmark::DoNotOptimize(ok);
  }
}
BENCHMARK(BM_Step7a_PayloadXsdOnly);

void BM_Step7b_DecodeOnly(benchmark::State& st) {
  auto& f = fixture();
  auto s = state_after(5);
  const auto* cls = f.schema->find("Shout");
  for (auto _ : st) {
    auto p = xml::payload_from_node(s.payload_element, *cls);
    benchmark::DoNotOptimize(p);
  }
}
BENCHMARK(BM_Step7b_DecodeOnly);

void BM_PayloadToXml(benchmark::State& st) {
  auto& f = fixture();
  std::string out;
  for (auto _ : st) {
    out.clear();
    xml::append_payload_xml(f.payload, out);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_PayloadToXml);

void BM_AppendEnvelope(benchmark::State& st) {
  auto& f = fixture();
  std::string out;
  for (auto _ : st) {
    out.clear();
    xml::append_envelope("greeter", "shouter", kThread, f.payload_xml, out);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_AppendEnvelope);

void BM_ParsePayload(benchmark::State& st) {
  auto& f = fixture();
  for (auto _ : st) {
    auto p = xml::parse_payload(f.payload_xml, f.pipeline.xsd_cache());
    benchmark::DoNotOptimize(p);
  }
}
BENCHMARK(BM_ParsePayload);

// The convenience overload (XSDs found by generated text in a process-wide cache), which
// callers without an XsdCache use.
void BM_ParsePayloadBySchema(benchmark::State& st) {
  auto& f = fixture();
  for (auto _ : st) {
    auto p = xml::parse_payload(f.payload_xml, *f.schema);
    benchmark::DoNotOptimize(p);
  }
}
BENCHMARK(BM_ParsePayloadBySchema);

// The budget's reference hop on bare libxml2, no limits, no hardening, no typed decode:
// recover-parse, exclusive C14N, re-parse, envelope XSD, payload XSD, read three fields,
// write the next envelope.
void BM_Baseline_BareLibxml2Hop(benchmark::State& st) {
  auto& f = fixture();
  auto envelope_xsd = xml::envelope_xsd();
  auto payload_xsd = xml::generate_xsd(*f.schema->find("Shout"));
  auto compile = [](const std::string& text) {
    xmlSchemaParserCtxtPtr p = xmlSchemaNewMemParserCtxt(text.data(), static_cast<int>(text.size()));
    xmlSchemaPtr s = xmlSchemaParse(p);
    xmlSchemaFreeParserCtxt(p);
    return s;
  };
  xmlSchemaPtr env_schema = compile(envelope_xsd);
  xmlSchemaPtr payload_schema = compile(payload_xsd);
  auto element_child = [](xmlNodePtr n) {
    for (n = n ? n->children : nullptr; n && n->type != XML_ELEMENT_NODE; n = n->next) {
    }
    return n;
  };
  auto element_next = [](xmlNodePtr n) {
    for (n = n->next; n && n->type != XML_ELEMENT_NODE; n = n->next) {
    }
    return n;
  };
  std::string out;
  for (auto _ : st) {
    xmlDocPtr d1 = xmlReadMemory(f.envelope.data(), static_cast<int>(f.envelope.size()), nullptr, nullptr,
                                 XML_PARSE_RECOVER | XML_PARSE_NONET | XML_PARSE_NOBLANKS);
    xmlChar* c14n = nullptr;
    int n = xmlC14NDocDumpMemory(d1, nullptr, XML_C14N_EXCLUSIVE_1_0, nullptr, 0, &c14n);
    xmlDocPtr d2 = xmlReadMemory(reinterpret_cast<const char*>(c14n), n, nullptr, nullptr,
                                 XML_PARSE_NONET | XML_PARSE_NOBLANKS);
    xmlSchemaValidCtxtPtr v1 = xmlSchemaNewValidCtxt(env_schema);
    int bad = xmlSchemaValidateDoc(v1, d2);
    xmlSchemaFreeValidCtxt(v1);
    xmlNodePtr meta = element_child(xmlDocGetRootElement(d2));
    xmlNodePtr payload = element_next(meta);
    xmlSchemaValidCtxtPtr v2 = xmlSchemaNewValidCtxt(payload_schema);
    bad += xmlSchemaValidateOneElement(v2, payload);
    xmlSchemaFreeValidCtxt(v2);
    std::string fields[3];
    int i = 0;
    for (xmlNodePtr c = element_child(payload); c && i < 3; c = element_next(c)) {
      xmlChar* text = xmlNodeGetContent(c);
      fields[i++] = reinterpret_cast<const char*>(text);
      xmlFree(text);
    }
    out.clear();
    out += "<?xml version='1.0' encoding='utf-8'?>\n<message xmlns=\"https://xml-pipeline.org/ns/envelope/v1\"><meta>"
           "<from>shouter</from><to>response-handler</to><thread>";
    out += kThread;
    out += "</thread></meta><Shout xmlns=\"\"><Text>" + fields[0] + "</Text><OriginalSender>" + fields[1] +
           "</OriginalSender><Volume>" + fields[2] + "</Volume></Shout></message>";
    benchmark::DoNotOptimize(bad);
    benchmark::DoNotOptimize(out);
    xmlFree(c14n);
    xmlFreeDoc(d2);
    xmlFreeDoc(d1);
    if (bad != 0 || fields[2] != "11") {
      st.SkipWithError("baseline hop did not validate");
      break;
    }
  }
  xmlSchemaFree(env_schema);
  xmlSchemaFree(payload_schema);
}
BENCHMARK(BM_Baseline_BareLibxml2Hop);

}  // namespace
}  // namespace nextra::ingress

BENCHMARK_MAIN();
