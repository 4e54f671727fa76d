// A fully connected layer at batch 1, y = W x + b, one workgroup per output row: 256 invocations
// each sum a strided share of the row, then a tree reduction in workgroup memory adds their
// partial sums and row r of the chunk is written at `first + r` with the bias (FLAG_BIAS) and the
// ReLU into y2 (FLAG_RELU). Weights larger than one storage binding are split by rows into
// chunks, one dispatch each. How a row's weights are held is each variant's, declared with this
// source: PER, the weights per element of aux, and `term(i, k)`, the sum of the products of aux
// element i (of the row) and x's matching values, k the element's place in the row
// (shaders/gemv.wgsl one f32, gemv_wide.wgsl a vec4, gemv_half.wgsl eight f16).
// a = (K, rows in this chunk, first row, flags: FLAG_BIAS add the bias, FLAG_RELU also write the
// ReLU to y2). aux = the chunk's rows, aux2 = bias.
var<workgroup> red: array<f32, 256>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
    let KP = p.a.x / PER; let rows = p.a.y; let first = p.a.z; let flags = p.a.w;
    let r = wg.x + wg.y * nw.x;
    var s = 0.0;
    if (r < rows) {
        let row = r * KP;
        for (var k = li; k < KP; k += 256u) {
            s += term(row + k, k);
        }
    }
    red[li] = s;
    workgroupBarrier();
    for (var w = 128u; w > 0u; w = w / 2u) {
        if (li < w) { red[li] += red[li + w]; }
        workgroupBarrier();
    }
    if (li == 0u && r < rows) {
        var v = red[0];
        if ((flags & FLAG_BIAS) != 0u) { v += aux2[first + r]; }
        y[first + r] = v;
        if ((flags & FLAG_RELU) != 0u) { y2[first + r] = max(v, 0.0); }
    }
}
