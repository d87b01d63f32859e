//! Everything that talks to CUDA: finding the driver and a device, compiling the
//! kernel with NVRTC, and running the pipeline's device stage on a GPU.

pub mod device;
pub mod driver;
pub mod nvrtc;
