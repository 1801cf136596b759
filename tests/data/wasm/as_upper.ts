// The JSON ABI in AssemblyScript (source of tests/data/wasm/as_upper.wat):
//   npx asc as_upper.ts --outFile as_upper.wasm --optimize --runtime stub && wasm2wat as_upper.wasm
// Logs its input, answers it upper-cased, and asserts (env.abort) on inputs of 1000 bytes or more.
@external("env", "log") declare function host_log(ptr: usize, len: i32): void;

export function alloc(len: i32): usize {
  return changetype<usize>(new ArrayBuffer(len));
}

export function handle(ptr: usize, len: i32): i64 {
  assert(len < 1000, "input too long");
  host_log(ptr, len);
  const bytes = String.UTF8.encode(String.UTF8.decodeUnsafe(ptr, len).toUpperCase());
  return (i64(changetype<usize>(bytes)) << 32) | i64(bytes.byteLength);
}
