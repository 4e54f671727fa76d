//! The zoo as data: every network of the course notes described once, as a graph of layers with
//! their hyper-parameters ([`graph`]); everything else — shapes, parameters, multiply-adds,
//! memory, receptive fields ([`analysis`]), the summary ([`summary`]), the page's table and
//! diagram, and the forward passes — is derived from that one description.

pub mod analysis;
pub mod graph;
pub mod layout;
pub mod nets;
pub mod params;
pub mod summary;

pub use analysis::{analyse, Analysis, LayerStats};
pub use graph::{Network, Node, NodeId, Op};
pub use nets::{build, ids};
