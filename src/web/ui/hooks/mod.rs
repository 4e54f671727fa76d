//! The hooks the components share: the one channel to the worker ([`worker`]), and layer
//! outputs asked of it ([`layer_values`]).

pub mod layer_values;
pub mod worker;
