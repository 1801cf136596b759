// Nextra's AssemblyScript SDK: write a code block as one function from the payload (a JSON
// string) to the answer (a JSON string). POST /api/modules/build compiles sources with this
// file available as "nextra":
//
//   import { alloc, readInput, writeOutput, getString, stringify } from "nextra";
//   export { alloc };
//   export function handle(ptr: usize, len: i32): i64 {
//     const text = getString(readInput(ptr, len), "text");
//     return writeOutput(`{"text":${stringify(text.toUpperCase())}}`);
//   }
//
// The module is built with `--runtime stub`: memory is never freed during a call, and an
// instance lives for one thread of the flow (docs/wasm.md), within the memory cap.

// ---- the host imports (docs/wasm.md, "Imports") -------------------------------------------
@external("env", "log") declare function host_log(ptr: usize, len: i32): void;
@external("env", "http_fetch") declare function host_http_fetch(ptr: usize, len: i32): i64;
@external("env", "kv_get") declare function host_kv_get(ptr: usize, len: i32): i64;
@external("env", "kv_set") declare function host_kv_set(key_ptr: usize, key_len: i32, value_ptr: usize, value_len: i32): void;

// ---- the JSON ABI ---------------------------------------------------------------------------

// The host writes the payload and host answers into memory this hands out. Re-export it:
// `export { alloc };`
export function alloc(len: i32): usize {
  return changetype<usize>(new ArrayBuffer(len));
}

// The payload `handle(ptr, len)` received, as a JSON string.
export function readInput(ptr: usize, len: i32): string {
  return String.UTF8.decodeUnsafe(ptr, len);
}

// What `handle` returns: the answer's JSON packed as (pointer << 32) | length. Add a "_to"
// key to choose which peer receives it (it must be one of the listener's peers).
export function writeOutput(json: string): i64 {
  return pack(String.UTF8.encode(json));
}

function pack(bytes: ArrayBuffer): i64 {
  return (i64(changetype<usize>(bytes)) << 32) | i64(bytes.byteLength);
}

function unpack(packed: i64): string {
  if (packed == 0) return "";
  return String.UTF8.decodeUnsafe(usize(packed >>> 32), i32(packed & 0xffffffff));
}

// ---- host services --------------------------------------------------------------------------

// One line in the execution's log.
export function log(message: string): void {
  const bytes = String.UTF8.encode(message);
  host_log(changetype<usize>(bytes), bytes.byteLength);
}

// An HTTP request through the platform's SSRF-safe client: `request` is JSON
// {"url", "method"?, "headers"?: {name: value}, "body"?}; the answer is JSON
// {"status", "headers", "body"}. A refused address ends the call with an error.
export function httpFetch(request: string): string {
  const bytes = String.UTF8.encode(request);
  return unpack(host_http_fetch(changetype<usize>(bytes), bytes.byteLength));
}

// Shorthand for a GET; answers the response JSON as httpFetch does.
export function httpGet(url: string): string {
  return httpFetch(`{"url":${stringify(url)}}`);
}

// The flow's project memory (when the flow enables it): the value, or null when absent.
export function kvGet(key: string): string | null {
  const bytes = String.UTF8.encode(key);
  const packed = host_kv_get(changetype<usize>(bytes), bytes.byteLength);
  if (packed == -1) return null;
  return unpack(packed);
}

export function kvSet(key: string, value: string): void {
  const k = String.UTF8.encode(key);
  const v = String.UTF8.encode(value);
  host_kv_set(changetype<usize>(k), k.byteLength, changetype<usize>(v), v.byteLength);
}

// ---- small JSON helpers (flat objects; enough for most payloads) ----------------------------

// `text` as a JSON string literal, quoted and escaped.
export function stringify(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c == 0x22) out += '\\"';
    else if (c == 0x5c) out += "\\\\";
    else if (c == 0x0a) out += "\\n";
    else if (c == 0x0d) out += "\\r";
    else if (c == 0x09) out += "\\t";
    else if (c < 0x20) out += "\\u00" + (c < 0x10 ? "0" : "") + c.toString(16);
    else out += String.fromCharCode(c);
  }
  return out + '"';
}

// Where the value of top-level `key` starts in `json`, or -1.
function valueStart(json: string, key: string): i32 {
  const needle = stringify(key);
  let at = json.indexOf(needle);
  while (at >= 0) {
    let i = at + needle.length;
    while (i < json.length && (json.charCodeAt(i) == 0x20 || json.charCodeAt(i) == 0x0a)) i++;
    if (i < json.length && json.charCodeAt(i) == 0x3a) {
      i++;
      while (i < json.length && (json.charCodeAt(i) == 0x20 || json.charCodeAt(i) == 0x0a)) i++;
      return i;
    }
    at = json.indexOf(needle, at + 1);
  }
  return -1;
}

// The string value of `key` ("" when missing or not a string), escapes decoded.
export function getString(json: string, key: string): string {
  let i = valueStart(json, key);
  if (i < 0 || json.charCodeAt(i) != 0x22) return "";
  i++;
  let out = "";
  while (i < json.length) {
    const c = json.charCodeAt(i);
    if (c == 0x22) break;
    if (c == 0x5c && i + 1 < json.length) {
      const e = json.charCodeAt(i + 1);
      if (e == 0x6e) out += "\n";
      else if (e == 0x72) out += "\r";
      else if (e == 0x74) out += "\t";
      else if (e == 0x75 && i + 5 < json.length) {
        out += String.fromCharCode(i32(parseInt(json.substring(i + 2, i + 6), 16)));
        i += 4;
      } else out += String.fromCharCode(e);
      i += 2;
      continue;
    }
    out += String.fromCharCode(c);
    i++;
  }
  return out;
}

// The number value of `key` (NaN when missing or not a number).
export function getNumber(json: string, key: string): f64 {
  const i = valueStart(json, key);
  if (i < 0) return NaN;
  let j = i;
  while (j < json.length) {
    const c = json.charCodeAt(j);
    if ((c >= 0x30 && c <= 0x39) || c == 0x2d || c == 0x2b || c == 0x2e || c == 0x65 || c == 0x45) j++;
    else break;
  }
  return j > i ? parseFloat(json.substring(i, j)) : NaN;
}

// The boolean value of `key` (false when missing).
export function getBool(json: string, key: string): bool {
  const i = valueStart(json, key);
  return i >= 0 && json.substr(i, 4) == "true";
}
