// A fully connected layer at batch 1, y = W x + b, one workgroup per output row: 256 invocations
// each sum a strided share of the row, then a tree reduction in workgroup memory
// (shaders/gemv_row.wgsl). Weights larger than one storage binding are split by rows into
// chunks, one dispatch each.
// a = (K, rows in this chunk, first row, flags: FLAG_BIAS add the bias, FLAG_RELU also write the
// ReLU to y2). aux = the chunk's rows, aux2 = bias.
@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
    let K = p.a.x; let rows = p.a.y; let first = p.a.z; let flags = p.a.w;
    let r = wg.x + wg.y * nw.x;
    var s = 0.0;
    if (r < rows) {
        for (var k = li; k < K; k += 256u) {
            s += aux[r * K + k] * x[k];
        }
    }
    finish_row(s, li, r, rows, first, flags);
}
