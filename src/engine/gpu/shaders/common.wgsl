// The binding layout every kernel of the WebGPU engine shares (src/engine/gpu/device.rs): the
// dispatch's parameters, an input, two auxiliary read-only arrays (weights, bias, per-channel
// coefficients), the output, a second output (an op also writes the ReLU that the plan fuses
// into it there), and a residual the output adds (a convolution that ends a residual block, in a
// run that keeps only the logits). The input's and the first auxiliary array's element types, X and A, are each
// kernel's (f32, or a vector for 16-byte loads: src/engine/gpu/device.rs declares them).
// Prepended to each kernel's source, after the constants the lowering shares with the kernels by
// name (src/engine/gpu/lower.rs, `wgsl_constants`): UNARY_RELU, UNARY_TANH, UNARY_SCALED_TANH,
// UNARY_SIGMOID, UNARY_LEAKY, UNARY_CLIP, UNARY_SCALE, UNARY_AFFINE, UNARY_COPY (the modes of
// `unary`), POOL_MAX, POOL_AVG, POOL_AVG_PIXELS, POOL_ADAPTIVE (the kinds of `pool`), FLAG_BIAS,
// FLAG_RELU, FLAG_RESIDUAL and FLAG_NO_Y (flag bits).
struct Params { a: vec4<u32>, b: vec4<u32>, c: vec4<u32>, d: vec4<u32> }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<X>;
@group(0) @binding(2) var<storage, read> aux: array<A>;
@group(0) @binding(3) var<storage, read> aux2: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;
@group(0) @binding(5) var<storage, read_write> y2: array<f32>;
@group(0) @binding(6) var<storage, read> res: array<f32>;

// An output value on its way out, as `flags` ask: plus the residual at the same place
// (FLAG_RESIDUAL); into y unless FLAG_NO_Y (a run that reads only the ReLU); its ReLU into y2
// (FLAG_RELU); or, with FLAG_SPLIT, its ReLU into y before p.d.x and into y2 after (the two
// convolutions of a merged GEMM).
fn put(at: u32, value: f32, flags: u32) {
    var v = value;
    if ((flags & FLAG_RESIDUAL) != 0u) { v += res[at]; }
    if ((flags & FLAG_SPLIT) != 0u) {
        // Two nodes' ReLUs, one after the other: the second's from p.d.x on (lower/merge.rs).
        let second = p.d.x;
        if (at < second) { y[at] = max(v, 0.0); } else { y2[at - second] = max(v, 0.0); }
        return;
    }
    if ((flags & FLAG_NO_Y) == 0u) { y[at] = v; }
    if ((flags & FLAG_RELU) != 0u) { y2[at] = max(v, 0.0); }
}

// The flat index of an invocation in a 1-D job dispatched as a 2-D grid of 256-wide groups.
fn flat_index(g: vec3<u32>, n: vec3<u32>) -> u32 {
    return g.x + g.y * n.x * 256u;
}
