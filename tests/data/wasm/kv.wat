;; Stores its input under "last" and answers what "last" held before ({} when absent).
(module
  (import "env" "kv_get" (func $kv_get (param i32 i32) (result i64)))
  (import "env" "kv_set" (func $kv_set (param i32 i32 i32 i32)))
  ;; @alloc
  (data (i32.const 16) "last")
  (data (i32.const 32) "{}")
  (func (export "handle") (param $ptr i32) (param $len i32) (result i64)
    (local $old i64)
    (local.set $old (call $kv_get (i32.const 16) (i32.const 4)))
    (call $kv_set (i32.const 16) (i32.const 4) (local.get $ptr) (local.get $len))
    (if (result i64) (i64.eq (local.get $old) (i64.const -1))
      (then (call $pack (i32.const 32) (i32.const 2)))
      (else (local.get $old)))))
