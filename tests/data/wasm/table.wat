;; A table with no maximum: clamped like memory, so table.grow past the cap returns -1.
(module
  ;; @alloc
  (table $t 1 funcref)
  (data (i32.const 16) "{\"grow\":-1}")
  (func (export "handle") (param i32 i32) (result i64)
    (if (i32.ne (table.grow $t (ref.null func) (i32.const 1000000)) (i32.const -1)) (then unreachable))
    (call $pack (i32.const 16) (i32.const 11))))
