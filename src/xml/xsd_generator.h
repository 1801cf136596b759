#pragma once
// Generates the XSD of a payload class with the library's ("xmlify") rules, so that a
// payload written by payload_to_xml() validates and a payload the XSD accepts decodes:
//   * no targetNamespace; one named complexType per class reachable from the root,
//     dependencies first; a global <xs:element name="Root" type="Root"/>;
//   * each field an element named Field::xml_name, in declaration order, exactly once;
//   * int -> xs:integer, string -> xs:string, decimal -> xs:decimal, bool -> xs:boolean;
//   * list<T> -> wrapper with 0..n children named T.wire_item_name();
//   * optional<T> -> wrapper with 0..1 child named T.wire_item_name() (empty = null);
//   * dict -> wrapper with 0..n <Item><Key/><Val/></Item> (strings);
//   * a class field -> an element of that class's complexType.
// Pure function of the (linked) schema types; thread-safe.

#include <string>

#include "schema/types.h"

namespace nextra::xml {

// REQUIRES: the class's schema is linked (TypeRef::cls set for class references).
std::string generate_xsd(const schema::PayloadClass& root);

}  // namespace nextra::xml
