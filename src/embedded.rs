//! The reference emulator as the suite's default target. This module sits on top, beside the
//! CLI: it hands the harness a way to start the emulator, so that the harness itself never
//! depends on the implementation it may be judging.

use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::sync::Arc;

use crate::emulator::{self, Emulator};
use crate::session::{EmbeddedServer, StartEmbedded};

/// Start a fresh reference emulator on 127.0.0.1 at a free port, on the caller's runtime.
pub(crate) fn start() -> StartEmbedded {
    Arc::new(|| {
        Box::pin(async {
            let running = emulator::spawn(Emulator::new(), SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
                .await
                .map_err(|e| e.to_string())?;
            Ok(EmbeddedServer {
                url: running.url(),
                guard: Box::new(running),
            })
        })
    })
}

/// The whole `tests/conformance.rs`: the libtest-mimic harness, with the reference emulator as
/// the default target.
pub fn harness_main() -> ExitCode {
    crate::run::harness::main(Some(start()))
}
