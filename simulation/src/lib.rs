//! # DePIN economic simulation
//!
//! Drives the real runtime's pallets through their calls — registrations, audits, rents, signed
//! usage reports through their pool check, claims with their fees — over many epochs, with
//! honest agents and attackers who control provider and consumer accounts at once, and measures
//! what each strategy gains. The property the economics must hold (docs/economics.md): no
//! strategy ends richer than doing nothing, and honest providers lose no more emission than the
//! attacker burned.
//!
//! `cargo test -p depin-simulation` checks it over randomized strategies; `scripts/simulate.sh`
//! runs the long scenarios and writes their charts and table under `docs/simulation/`.

pub mod market;
pub mod scenario;
pub mod svg;
