// The element-wise kernels, one invocation per value (n = a.x values):
// `unary`: y = f(x) with the mode a.y = UNARY_RELU, UNARY_TANH, UNARY_SCALED_TANH (LeNet's
//   1.7159·tanh(2x/3)), UNARY_SIGMOID (1/(1 + e^−x)), UNARY_LEAKY (α = bitcast(a.z)), UNARY_CLIP (between bitcast(a.z) and
//   bitcast(b.x)), UNARY_SCALE (by bitcast(a.z)), UNARY_AFFINE (the per-channel affine map
//   aux[c]·x + aux2[c] of an unfolded batch norm; a.z = values per channel, a.w = `put`'s flags), UNARY_COPY (into y at offset a.w, a slice of a concatenation);
// `sum`: y = s·(x + aux) with s = bitcast(a.z) (the first two inputs of an add or a mean);
// `accumulate`: y += s·x (each further input);
// both with a.w = flags: FLAG_RELU also writes the ReLU of the result to y2 (the last dispatch;
// `sum` through `put`).
@compute @workgroup_size(256)
fn unary(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
    let i = flat_index(gid, nw);
    if (i >= p.a.x) { return; }
    let v = x[i];
    switch p.a.y {
        case UNARY_RELU: { y[i] = max(v, 0.0); }
        case UNARY_TANH: { y[i] = tanh(v); }
        case UNARY_SCALED_TANH: { y[i] = 1.7159 * tanh(v * (2.0 / 3.0)); }
        case UNARY_SIGMOID: { y[i] = 1.0 / (1.0 + exp(-v)); }
        case UNARY_LEAKY: { y[i] = select(v, v * bitcast<f32>(p.a.z), v < 0.0); }
        case UNARY_CLIP: { y[i] = min(max(v, bitcast<f32>(p.a.z)), bitcast<f32>(p.b.x)); }
        case UNARY_SCALE: { y[i] = v * bitcast<f32>(p.a.z); }
        case UNARY_AFFINE: {
            let c = i / p.a.z;
            put(i, aux[c] * v + aux2[c], p.a.w);
        }
        default: { y[p.a.w + i] = v; } // UNARY_COPY
    }
}

@compute @workgroup_size(256)
fn sum(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
    let i = flat_index(gid, nw);
    if (i >= p.a.x) { return; }
    put(i, bitcast<f32>(p.a.z) * (x[i] + aux[i]), p.a.w);
}

@compute @workgroup_size(256)
fn accumulate(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
    let i = flat_index(gid, nw);
    if (i >= p.a.x) { return; }
    let v = y[i] + bitcast<f32>(p.a.z) * x[i];
    y[i] = v;
    if ((p.a.w & FLAG_RELU) != 0u) { y2[i] = max(v, 0.0); }
}
