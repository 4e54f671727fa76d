//! The labs, where a network runs on the reader's input: the photo lab, the digit lab, the training lab and its experiments. A lab
//! imports panels and widgets; never another lab.

pub mod experiment_lab;
pub mod file_lab;
pub mod lenet_lab;
pub mod photo_lab;
pub mod train_lab;
