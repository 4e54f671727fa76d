// The GEMV (shaders/gemv_row.wgsl) reading its weights one f32 at a time: any K.
const PER: u32 = 1u;

fn term(i: u32, k: u32) -> f32 {
    return aux[i] * x[k];
}
