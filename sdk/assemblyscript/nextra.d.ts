// Types of nextra.ts for editors (the web UI's code block editor loads this beside
// AssemblyScript's standard library declarations). Keep in step with nextra.ts.
declare module "nextra" {
  /** Memory the host writes the payload and host answers into. Re-export it: `export { alloc };` */
  export function alloc(len: i32): usize;
  /** The payload `handle(ptr, len)` received, as a JSON string. */
  export function readInput(ptr: usize, len: i32): string;
  /** What `handle` returns: the answer's JSON. Add "_to" to pick the peer. */
  export function writeOutput(json: string): i64;
  /** One line in the execution's log. */
  export function log(message: string): void;
  /** HTTP through the platform's SSRF-safe client; answers {"status","headers","body"} as JSON. */
  export function httpFetch(request: string): string;
  export function httpGet(url: string): string;
  /** The flow's project memory (when enabled): the value, or null. */
  export function kvGet(key: string): string | null;
  export function kvSet(key: string, value: string): void;
  /** `text` as a quoted, escaped JSON string. */
  export function stringify(text: string): string;
  /** Values of top-level keys of a flat JSON object. */
  export function getString(json: string, key: string): string;
  export function getNumber(json: string, key: string): f64;
  export function getBool(json: string, key: string): bool;
}
