// A fully connected layer at batch 1 reading its weights as vec4 (K a multiple of 4): y = W x + b,
// one workgroup per output row, 256 invocations each summing a strided share of the row's K/4
// vec4s (16 bytes per load, consecutive invocations on consecutive vec4s), then a tree
// reduction in workgroup memory (shaders/gemv_row.wgsl). x and the weights are bound as vec4
// arrays (X = A = vec4<f32>). a = (K, rows in this chunk, first row, flags:
// FLAG_BIAS add the bias, FLAG_RELU also write the ReLU to y2). aux = the chunk's rows,
// aux2 = bias.
@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
    let K4 = p.a.x / 4u; let rows = p.a.y; let first = p.a.z; let flags = p.a.w;
    let r = wg.x + wg.y * nw.x;
    var s = 0.0;
    if (r < rows) {
        let row = r * K4;
        for (var k = li; k < K4; k += 256u) {
            s += dot(aux[row + k], x[k]);
        }
    }
    finish_row(s, li, r, rows, first, flags);
}
