//! The page's views, one per file: a network's page, the Compare page, the Concepts page, the Train page.
//! A page imports labs, panels and widgets; never another page.

pub mod compare_page;
pub mod concepts_page;
pub mod network_page;
pub mod onnx_page;
pub mod train_page;
