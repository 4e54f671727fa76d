// The element-wise kernels, one invocation per value (n = a.x values):
// `unary`: y = f(x) with a.y = 0 ReLU, 1 tanh, 2 LeNet's 1.7159·tanh(2x/3), 3 scale by
//   bitcast(a.z), 4 the per-channel affine map aux[c]·x + aux2[c] (an unfolded batch norm; a.z =
//   values per channel), 5 copy into y at offset a.w (a slice of a concatenation);
// `sum`: y = s·(x + aux) with s = bitcast(a.z) (the first two inputs of an add or a mean);
// `accumulate`: y += s·x (each further input).
@compute @workgroup_size(256)
fn unary(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
    let i = flat_index(gid, nw);
    if (i >= p.a.x) { return; }
    let v = x[i];
    switch p.a.y {
        case 0u: { y[i] = max(v, 0.0); }
        case 1u: { y[i] = tanh(v); }
        case 2u: { y[i] = 1.7159 * tanh(v * (2.0 / 3.0)); }
        case 3u: { y[i] = v * bitcast<f32>(p.a.z); }
        case 4u: { let c = i / p.a.z; y[i] = aux[c] * v + aux2[c]; }
        default: { y[p.a.w + i] = v; }
    }
}

@compute @workgroup_size(256)
fn sum(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
    let i = flat_index(gid, nw);
    if (i >= p.a.x) { return; }
    y[i] = bitcast<f32>(p.a.z) * (x[i] + aux[i]);
}

@compute @workgroup_size(256)
fn accumulate(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
    let i = flat_index(gid, nw);
    if (i >= p.a.x) { return; }
    y[i] += bitcast<f32>(p.a.z) * x[i];
}
