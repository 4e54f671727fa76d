// Per-map kernels, one invocation per output value:
// `lrn`: local response normalisation across channels (PyTorch's LocalResponseNorm):
//   b_c = a_c / (k + α/n · Σ a_c'²)^β over n channels centred on c; a = (C, H·W, n, 0),
//   b = bitcast (α, β, k, 0);
// `subsample`: LeNet-5's sub-sampling, the sum of each window times aux[c] plus aux2[c];
//   a = (C, H, W, 0), b = (OH, OW, KH, KW), c = (SH, SW, 0, 0);
// `pad_shortcut`: the CIFAR ResNets' shortcut, every s-th pixel, channels zero-padded evenly
//   before and after; a = (C, H, W, s), b = (OC, OH, OW, 0).
@compute @workgroup_size(256)
fn lrn(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
    let C = p.a.x; let HW = p.a.y; let n = p.a.z;
    let alpha = bitcast<f32>(p.b.x); let beta = bitcast<f32>(p.b.y); let k = bitcast<f32>(p.b.z);
    let i = flat_index(gid, nw);
    if (i >= C * HW) { return; }
    let c = i / HW; let at = i % HW;
    let lo = max(i32(c) - i32(n / 2u), 0);
    let hi = min(i32(c + (n - 1u) / 2u), i32(C) - 1);
    var s = 0.0;
    for (var cc = lo; cc <= hi; cc++) {
        let v = x[u32(cc) * HW + at];
        s += v * v;
    }
    y[i] = x[i] / pow(k + alpha / f32(n) * s, beta);
}

@compute @workgroup_size(256)
fn subsample(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
    let C = p.a.x; let H = p.a.y; let W = p.a.z;
    let OH = p.b.x; let OW = p.b.y; let KH = p.b.z; let KW = p.b.w;
    let SH = p.c.x; let SW = p.c.y;
    let i = flat_index(gid, nw);
    if (i >= C * OH * OW) { return; }
    let ox = i % OW; let oy = (i / OW) % OH; let c = i / (OW * OH);
    var s = 0.0;
    for (var dy = 0u; dy < KH; dy++) {
        for (var dx = 0u; dx < KW; dx++) {
            s += x[(c * H + oy * SH + dy) * W + ox * SW + dx];
        }
    }
    y[i] = s * aux[c] + aux2[c];
}

@compute @workgroup_size(256)
fn pad_shortcut(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
    let C = p.a.x; let H = p.a.y; let W = p.a.z; let s = p.a.w;
    let OC = p.b.x; let OH = p.b.y; let OW = p.b.z;
    let i = flat_index(gid, nw);
    if (i >= OC * OH * OW) { return; }
    let ox = i % OW; let oy = (i / OW) % OH; let oc = i / (OW * OH);
    let before = (OC - C) / 2u;
    var v = 0.0;
    if (oc >= before && oc < before + C) {
        v = x[((oc - before) * H + oy * s) * W + ox * s];
    }
    y[i] = v;
}
