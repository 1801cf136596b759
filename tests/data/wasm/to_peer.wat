;; Returns a fixed answer that names its target: {"_to":"secret","text":"hi"}.
(module
  ;; @alloc
  (data (i32.const 16) "{\"_to\":\"secret\",\"text\":\"hi\"}")
  (func (export "handle") (param i32 i32) (result i64)
    (call $pack (i32.const 16) (i32.const 28))))
