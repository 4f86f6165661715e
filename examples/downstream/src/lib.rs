//! An emulator crate, as a downstream user of ssm-conformance would have one. Its "emulator" is
//! the reference emulator, standing in for theirs; `tests/conformance.rs` is the part to copy.

use std::net::{Ipv4Addr, SocketAddr};

/// Start "our" emulator on a free loopback port; it serves while the value lives.
pub async fn start() -> std::io::Result<ssm_conformance::Running> {
    ssm_conformance::spawn(
        ssm_conformance::Emulator::new(),
        SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
    )
    .await
}
