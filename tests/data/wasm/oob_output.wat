;; Hostile: returns an output range that ends past memory.
(module
  ;; @alloc
  (func (export "handle") (param i32 i32) (result i64)
    (call $pack (i32.const 65000) (i32.const 1000))))
