// The GEMV (shaders/gemv_row.wgsl) with its weights held as f16 (K a multiple of 8): half the
// bytes of shaders/gemv_wide.wgsl, each 16-byte load eight weights, two to a u32 (the first in the
// low half), unpacked to f32 by unpack2x16float (core WGSL: any adapter, no `shader-f16`
// feature); the sums stay f32. x is bound as vec4s (X = vec4<f32>), the weights as vec4<u32> (A).
const PER: u32 = 8u;

fn term(i: u32, k: u32) -> f32 {
    let w = aux[i];
    let lo = vec4<f32>(unpack2x16float(w.x), unpack2x16float(w.y));
    let hi = vec4<f32>(unpack2x16float(w.z), unpack2x16float(w.w));
    return dot(lo, x[2u * k]) + dot(hi, x[2u * k + 1u]);
}
