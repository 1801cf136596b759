;; Hostile: its start function never returns.
(module
  ;; @alloc
  (func $spin (loop $l (br $l)))
  (start $spin)
  (func (export "handle") (param i32 i32) (result i64) (i64.const 0)))
