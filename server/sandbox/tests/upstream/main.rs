//! Contract tests: the real `TpnsClient` against a `Sandbox` over HTTP, on port 0, with a manual
//! clock wherever simulated time matters.

mod contract;
mod controls;
mod effects;
mod faults;
mod helpers;
mod limits;
mod recall_samples;
mod traffic;
mod validations;
