// The second step of a convolution split over K (shaders/conv.wgsl): y = Σ_parts x[part] + bias,
// one invocation per output value, and the ReLU that follows it into y2.
// a = (O·N values, N, parts, flags: FLAG_BIAS add the bias aux2[o], then `put`'s); d.x = where a
// merged pair's second ReLU begins (FLAG_SPLIT, lower/merge.rs). x = the scratch [parts][O][N];
// aux2 = the convolution's bias (then its offsets).
@compute @workgroup_size(256)
fn reduce(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nw: vec3<u32>) {
    let i = flat_index(gid, nw);
    let count = p.a.x; let N = p.a.y; let parts = p.a.z; let flags = p.a.w;
    if (i >= count) { return; }
    var s = 0.0;
    for (var q = 0u; q < parts; q++) {
        s += x[q * count + i];
    }
    if ((flags & FLAG_BIAS) != 0u) { s += aux2[i / N]; }
    put(i, s, flags);
}
