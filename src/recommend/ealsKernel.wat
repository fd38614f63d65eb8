;; The inner pass of the eALS coordinate descent (ealsModel.ts, `descend`), two entries per
;; instruction in f64x2 lanes: V8 does not vectorise the plain loop. Compiled by
;; scripts/buildWasm.mjs (npm run build) into ealsKernelBinary.ts; driven by ealsKernel.ts.
;;
;; Memory (exported, grown by the caller): a_j, the residuals r_j and the partners' factors
;; factor-major, every array of an even length, zero-padded, so the loop has no tail.
(module
  (memory (export "memory") 1)

  ;; For the entries [0, bytes / 8) of the arrays at $weights (a_j), $residuals (r_j) and the
  ;; factor columns at $column0, $column1 (g_jf, g_jf') and $previous0, $previous1 (the two
  ;; coordinates changed last, by $delta0 and $delta1):
  ;;   r_j -= a_j (delta0 g_j,previous0 + delta1 g_j,previous1)      (stored back)
  ;; then writes five f64 at $out: sum_j r_j g_jf, sum_j r_j g_jf', sum_j a_j g_jf^2,
  ;; sum_j a_j g_jf'^2 and sum_j a_j g_jf g_jf'. Each sum is kept in two lanes (even and odd
  ;; entries) and the lanes added at the end.
  (func (export "pairPass")
    (param $column0 i32) (param $column1 i32) (param $previous0 i32) (param $previous1 i32)
    (param $residuals i32) (param $weights i32) (param $bytes i32)
    (param $delta0 f64) (param $delta1 f64) (param $out i32)
    (local $at i32) (local $d0 v128) (local $d1 v128)
    (local $numerator0 v128) (local $numerator1 v128) (local $diagonal0 v128) (local $diagonal1 v128) (local $pair v128)
    (local $a v128) (local $r v128) (local $g0 v128) (local $g1 v128) (local $weighted0 v128)
    (local.set $d0 (f64x2.splat (local.get $delta0)))
    (local.set $d1 (f64x2.splat (local.get $delta1)))
    (block $done
      (br_if $done (i32.eqz (local.get $bytes)))
      (loop $next
        (local.set $a (v128.load (i32.add (local.get $weights) (local.get $at))))
        (local.set $r
          (f64x2.sub
            (v128.load (i32.add (local.get $residuals) (local.get $at)))
            (f64x2.mul (local.get $a)
              (f64x2.add
                (f64x2.mul (local.get $d0) (v128.load (i32.add (local.get $previous0) (local.get $at))))
                (f64x2.mul (local.get $d1) (v128.load (i32.add (local.get $previous1) (local.get $at))))))))
        (v128.store (i32.add (local.get $residuals) (local.get $at)) (local.get $r))
        (local.set $g0 (v128.load (i32.add (local.get $column0) (local.get $at))))
        (local.set $g1 (v128.load (i32.add (local.get $column1) (local.get $at))))
        (local.set $weighted0 (f64x2.mul (local.get $a) (local.get $g0)))
        (local.set $numerator0 (f64x2.add (local.get $numerator0) (f64x2.mul (local.get $r) (local.get $g0))))
        (local.set $numerator1 (f64x2.add (local.get $numerator1) (f64x2.mul (local.get $r) (local.get $g1))))
        (local.set $diagonal0 (f64x2.add (local.get $diagonal0) (f64x2.mul (local.get $weighted0) (local.get $g0))))
        (local.set $diagonal1
          (f64x2.add (local.get $diagonal1) (f64x2.mul (f64x2.mul (local.get $a) (local.get $g1)) (local.get $g1))))
        (local.set $pair (f64x2.add (local.get $pair) (f64x2.mul (local.get $weighted0) (local.get $g1))))
        (local.set $at (i32.add (local.get $at) (i32.const 16)))
        (br_if $next (i32.lt_u (local.get $at) (local.get $bytes)))))
    (f64.store offset=0 (local.get $out) (call $lanes (local.get $numerator0)))
    (f64.store offset=8 (local.get $out) (call $lanes (local.get $numerator1)))
    (f64.store offset=16 (local.get $out) (call $lanes (local.get $diagonal0)))
    (f64.store offset=24 (local.get $out) (call $lanes (local.get $diagonal1)))
    (f64.store offset=32 (local.get $out) (call $lanes (local.get $pair))))

  ;; The sum of a vector's two lanes.
  (func $lanes (param $v v128) (result f64)
    (f64.add (f64x2.extract_lane 0 (local.get $v)) (f64x2.extract_lane 1 (local.get $v)))))
