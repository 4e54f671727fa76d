// The end of a GEMV row, shared by shaders/gemv.wgsl and gemv_wide.wgsl (declared before each):
// the 256 invocations' partial sums `s` added by a tree reduction in workgroup memory, then row
// `r` of the chunk written at `first + r` with the bias (FLAG_BIAS) and the ReLU into y2
// (FLAG_RELU). Every invocation calls it (it holds barriers).
var<workgroup> red: array<f32, 256>;

fn finish_row(s: f32, li: u32, r: u32, rows: u32, first: u32, flags: u32) {
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
