//! What the course notes teach, computed from the zoo's descriptions: one 5×5 against stacked 3×3
//! convolutions, the Inception module step by step, receptive fields of single units, residual
//! blocks and their gradient flow, and the ideas of the networks after ResNet.

pub mod compare;
pub mod explainers;
pub mod gradient_flow;
pub mod inception;
pub mod kernel_stack;
pub mod occlusion;
pub mod receptive;
pub mod residual;
