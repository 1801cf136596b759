;; Logs its input 1000 times, then calls kv_get 2000 times (past the host-call limit).
(module
  (import "env" "log" (func $log (param i32 i32)))
  (import "env" "kv_get" (func $kv_get (param i32 i32) (result i64)))
  ;; @alloc
  (func (export "handle") (param $ptr i32) (param $len i32) (result i64)
    (local $i i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (i32.const 1000)))
        (call $log (local.get $ptr) (local.get $len))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.set $i (i32.const 0))
    (block $done2
      (loop $next2
        (br_if $done2 (i32.ge_u (local.get $i) (i32.const 2000)))
        (drop (call $kv_get (local.get $ptr) (local.get $len)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next2)))
    (call $pack (local.get $ptr) (local.get $len))))
