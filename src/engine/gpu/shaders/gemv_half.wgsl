// A fully connected layer at batch 1 with its weights held as f16 (K a multiple of 8): y = W x + b,
// as shaders/gemv_wide.wgsl but reading half the bytes, each 16-byte load eight weights, two to a
// u32 (the first in the low half), unpacked to f32 by unpack2x16float (core WGSL: any adapter, no
// `shader-f16` feature); the sums stay f32. x is bound as vec4s (X = vec4<f32>), the weights
// as vec4<u32> (A). a = (K, rows in this chunk, first row, flags: FLAG_BIAS add the
// bias, FLAG_RELU also write the ReLU to y2). aux = the chunk's rows, aux2 = bias.
@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
    let K8 = p.a.x / 8u; let rows = p.a.y; let first = p.a.z; let flags = p.a.w;
    let r = wg.x + wg.y * nw.x;
    var s = 0.0;
    if (r < rows) {
        let row = r * K8;
        for (var k = li; k < K8; k += 256u) {
            let w = aux[row + k];
            let lo = vec4<f32>(unpack2x16float(w.x), unpack2x16float(w.y));
            let hi = vec4<f32>(unpack2x16float(w.z), unpack2x16float(w.w));
            s += dot(lo, x[2u * k]) + dot(hi, x[2u * k + 1u]);
        }
    }
    finish_row(s, li, r, rows, first, flags);
}
