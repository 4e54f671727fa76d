//! The hooks the components share: the one channel to the worker ([`worker`]), layer outputs
//! asked of it ([`layer_values`]), and links to a network's page ([`navigate`]).

pub mod layer_values;
pub mod navigate;
pub mod worker;
