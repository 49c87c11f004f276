//! Server functions, one per file. Reads are `GET` (cacheable, bookmarkable); writes are `POST`
//! and work through plain forms before the WebAssembly loads.

pub mod apps;
