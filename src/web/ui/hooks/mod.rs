//! The hooks the components share: the one channel to the worker ([`worker`]), layer outputs
//! asked of it ([`layer_values`]), links to a network's page ([`navigate`]), and the training
//! lab's channel ([`training`]), a file picked or dropped ([`file_drop`]).

pub mod file_drop;
pub mod layer_values;
pub mod navigate;
pub mod training;
pub mod worker;
