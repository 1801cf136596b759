;; Hostile: its alloc calls kv_get, whose answer is written through alloc, which calls
;; kv_get... once handle has stored the key. Host -> guest nesting must stop cleanly.
(module
  (import "env" "kv_get" (func $kv_get (param i32 i32) (result i64)))
  (import "env" "kv_set" (func $kv_set (param i32 i32 i32 i32)))
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 1024))
  (data (i32.const 16) "kv")
  (func $alloc (export "alloc") (param $len i32) (result i32)
    (local $p i32)
    (drop (call $kv_get (i32.const 16) (i32.const 1)))
    (local.set $p (global.get $heap))
    (global.set $heap (i32.add (local.get $p) (i32.const 64)))
    (local.get $p))
  (func (export "handle") (param i32 i32) (result i64)
    (call $kv_set (i32.const 16) (i32.const 1) (i32.const 17) (i32.const 1))
    (call $kv_get (i32.const 16) (i32.const 1))))
