// payloads: the classes of the organism's messages (decisions.md §2), checked here so that
// every problem gets its own position; Schema::link() would stop at the first.

#include <algorithm>
#include <functional>

#include "flow/loader_internal.h"

namespace nextra::flow::detail {

void Loader::load_payloads(const Entry& e) {
  size_t errors_before = sink_.error_count();
  Scope s{"payloads", ""};
  std::vector<ClassDraft> drafts;
  if (!e.value.IsNull() && expect_map(sink_, e, {})) {
    auto entries = map_entries(e.value);
    if (entries.size() > limits_.max_classes) {
      sink_.error(e.key_pos, "payloads",
                  "too many payload classes (" + std::to_string(entries.size()) + "; the limit is " +
                      std::to_string(limits_.max_classes) + ")");
      entries.resize(limits_.max_classes);
    }
    for (const auto& c : entries) {
      if (sink_.full()) break;
      load_payload_class(c, s, drafts);
    }
    check_class_references(drafts);
  }
  for (auto& d : drafts) {
    if (auto st = spec_.schema->add(std::move(d.cls)); !st.ok()) {
      sink_.error({}, "payloads", st.error().message);  // not reached: names were checked above
    }
  }
  // The checks above report everything link() rejects (it stops at the first problem), with
  // better positions; linking a clean schema only maps whatever they might have missed.
  if (sink_.error_count() != errors_before) return;
  if (auto st = spec_.schema->link(); !st.ok()) {
    const Error& err = st.error();
    sink_.error({err.line, err.column}, err.field, err.message);
  }
}

void Loader::load_payload_class(const Entry& e, const Scope& s, std::vector<ClassDraft>& out) {
  std::string path = s.at(e.key);
  if (!is_identifier(e.key)) {
    sink_.error(e.key_pos, path,
                "payload class name '" + e.key.substr(0, 60) +
                    "' is not an identifier (letters, digits and '_', not starting with a digit)");
    return;
  }
  if (const auto* existing = spec_.schema->find(e.key); existing && existing->builtin) {
    sink_.error(e.key_pos, path, "payload class '" + e.key + "' is built in and cannot be redefined");
    return;
  }
  ClassDraft draft;
  draft.cls.name = e.key;
  draft.cls.line = e.key_pos.line;
  draft.cls.column = e.key_pos.column;
  Scope cs{path, "payload class '" + e.key + "': "};
  if (!e.value.IsNull()) {
    if (!e.value.IsMap()) {
      sink_.error(e.value_pos, path, cs.prefix + "expected a mapping of field: type");
      out.push_back(std::move(draft));
      return;
    }
    auto fields = map_entries(e.value);
    if (fields.size() > limits_.max_fields_per_class) {
      sink_.error(e.key_pos, path,
                  cs.prefix + "too many fields (" + std::to_string(fields.size()) + "; the limit is " +
                      std::to_string(limits_.max_fields_per_class) + ")");
      fields.resize(limits_.max_fields_per_class);
    }
    std::map<std::string, std::string> xml_names;  // xml name -> field that took it
    for (const auto& f : fields) load_payload_field(f, cs, xml_names, draft);
  }
  out.push_back(std::move(draft));
}

void Loader::load_payload_field(const Entry& f, const Scope& cs, std::map<std::string, std::string>& xml_names,
                                ClassDraft& draft) {
  std::string fpath = cs.at(f.key);
  if (!is_identifier(f.key)) {
    sink_.error(f.key_pos, fpath, cs.prefix + "field name '" + f.key.substr(0, 60) + "' is not an identifier");
    return;
  }
  if (schema::is_reserved_field_name(f.key)) {
    sink_.error(f.key_pos, fpath, cs.prefix + "field name '" + f.key + "' is reserved");
    return;
  }
  schema::Field field;
  field.name = f.key;
  field.xml_name = schema::pascal_case(f.key);
  field.line = f.key_pos.line;
  field.column = f.key_pos.column;
  // pascal_case drops the '_'s, so `_` vanishes and `_1` would become the invalid element <1>.
  char first = field.xml_name.empty() ? '\0' : field.xml_name[0];
  if (!((first >= 'A' && first <= 'Z') || (first >= 'a' && first <= 'z'))) {
    sink_.error(f.key_pos, fpath,
                cs.prefix + "field name '" + f.key +
                    "' cannot become an XML element name (it must start with a letter once "
                    "'_' are dropped)");
    return;
  }
  if (auto [at, fresh] = xml_names.emplace(field.xml_name, f.key); !fresh) {
    sink_.error(f.key_pos, fpath,
                cs.prefix + "fields '" + at->second + "' and '" + f.key + "' both map to the XML element '" +
                    field.xml_name + "'");
    return;
  }
  if (!f.value.IsScalar()) {
    sink_.error(f.value_pos, fpath,
                cs.prefix + "field '" + f.key +
                    "': expected a type (string, int, decimal, bool, list<T>, optional<T>, dict "
                    "or a class name)");
    return;
  }
  auto type = schema::parse_type(f.value.Scalar());
  if (!type.ok()) {
    sink_.error(f.value_pos, fpath, cs.prefix + "field '" + f.key + "': " + type.error().message);
    return;
  }
  field.type = std::move(type).value();
  draft.cls.fields.push_back(std::move(field));
  draft.type_pos.push_back(f.value_pos);
}

void Loader::check_class_references(const std::vector<ClassDraft>& classes) {
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < classes.size(); ++i) index.emplace(classes[i].cls.name, i);
  std::vector<std::string_view> known;
  for (const auto& [name, cls] : spec_.schema->classes()) known.push_back(name);
  for (const auto& c : classes) known.push_back(c.cls.name);

  // Edges between user classes, each with where the reference was written.
  std::vector<std::vector<size_t>> edges(classes.size());
  std::function<void(const schema::TypeRef&, std::vector<std::string>&)> refs = [&](const schema::TypeRef& t,
                                                                                    std::vector<std::string>& out) {
    if (t.kind == schema::TypeKind::Class) out.push_back(t.class_name);
    if (t.element) refs(*t.element, out);
  };
  for (size_t i = 0; i < classes.size(); ++i) {
    const auto& c = classes[i];
    for (size_t j = 0; j < c.cls.fields.size(); ++j) {
      std::vector<std::string> names;
      refs(c.cls.fields[j].type, names);
      for (const auto& n : names) {
        if (auto it = index.find(n); it != index.end()) {
          edges[i].push_back(it->second);
        } else if (!spec_.schema->find(n)) {
          sink_.error(c.type_pos[j], "payloads." + c.cls.name + "." + c.cls.fields[j].name,
                      "payload class '" + c.cls.name + "': field '" + c.cls.fields[j].name +
                          "': unknown payload class '" + n + "'" + suggest(sink_, n, known));
        }
      }
    }
  }

  // Depth-first search; every back edge closes one cycle, reported at the class it returns to.
  std::vector<int> state(classes.size(), 0);  // 0 new, 1 on the stack, 2 done
  std::vector<size_t> stack;
  std::function<void(size_t)> visit = [&](size_t u) {
    state[u] = 1;
    stack.push_back(u);
    for (size_t v : edges[u]) {
      if (state[v] == 0) {
        visit(v);
      } else if (state[v] == 1) {
        std::string chain;
        auto from = std::find(stack.begin(), stack.end(), v);
        for (auto it = from; it != stack.end(); ++it) chain += classes[*it].cls.name + " -> ";
        chain += classes[v].cls.name;
        const auto& target = classes[v].cls;
        sink_.error({target.line, target.column}, "payloads." + target.name,
                    "payload class '" + target.name + "' refers to itself through its fields: " + chain +
                        " (cycles are not allowed)");
      }
    }
    stack.pop_back();
    state[u] = 2;
  };
  for (size_t i = 0; i < classes.size(); ++i) {
    if (state[i] == 0) visit(i);
  }
}

}  // namespace nextra::flow::detail
