//! Checkpoints from untrusted bytes: the `.safetensors` and `.pth` readers, the number types they
//! read, the subset of Python's pickle that `torch.save` writes, and what a network's checkpoint
//! must hold ([`expected::Expected`]), checked before anything is allocated. No input makes a
//! reader panic or allocate beyond what the file's size or the network's description allows;
//! `tests/checkpoint_mutations.rs` holds them to that on damaged files of every format.

pub mod dtype;
pub mod expected;
pub mod pickle;
pub mod pth;
pub mod safetensors;
