;; Hostile: grows memory far past the cap; answers {"grow":-1} when the grow is refused.
(module
  ;; @alloc
  (data (i32.const 16) "{\"grow\":-1}")
  (func (export "handle") (param i32 i32) (result i64)
    (if (i32.ne (memory.grow (i32.const 1000)) (i32.const -1)) (then unreachable))
    (call $pack (i32.const 16) (i32.const 11))))
