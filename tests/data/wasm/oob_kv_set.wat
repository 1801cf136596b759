;; Hostile: hands kv_set a value pointer past the end of memory.
(module
  (import "env" "kv_set" (func $kv_set (param i32 i32 i32 i32)))
  ;; @alloc
  (data (i32.const 16) "key")
  (func (export "handle") (param i32 i32) (result i64)
    (call $kv_set (i32.const 16) (i32.const 3) (i32.const -16) (i32.const 64))
    (i64.const 0)))
