//! The process-wide registry behind `emu://NAME` printer URIs: a test or the demo registers an
//! emulator under a name; opening the URI connects an in-process pipe to it. Registering the
//! first emulator registers this module's opener with the transport layer, which knows nothing
//! of emulators.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use super::{serve, Emulator, EmulatorError};
use crate::transport::memory::{pair, MemoryTransport};
use crate::transport::{self, BackendError, PrinterUri, Transport, TransportError};

fn table() -> &'static Mutex<HashMap<String, Emulator>> {
    static TABLE: OnceLock<Mutex<HashMap<String, Emulator>>> = OnceLock::new();
    TABLE.get_or_init(|| Mutex::new(HashMap::new()))
}

/// Registers `emulator` as `emu://name`.
pub fn register(name: &str, emulator: Emulator) -> Result<(), EmulatorError> {
    transport::register_opener("emulator", open);
    let mut t = table().lock().unwrap_or_else(|e| e.into_inner());
    if t.contains_key(name) {
        return Err(EmulatorError::NameTaken(name.to_string()));
    }
    t.insert(name.to_string(), emulator);
    Ok(())
}

/// Removes a registration; returns whether there was one.
pub fn unregister(name: &str) -> bool {
    table()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .remove(name)
        .is_some()
}

/// An `emu://` printer name with no emulator registered under it. Start the emulator (or
/// register it in the test) before opening the printer.
#[derive(Debug, thiserror::Error)]
#[error("no emulator registered as {0:?}")]
pub struct NoSuchEmulator(pub String);

impl BackendError for NoSuchEmulator {}

impl crate::messages::Message for NoSuchEmulator {
    fn message_code(&self) -> &'static str {
        "transport.no_such_emulator"
    }

    fn message_args(&self) -> crate::messages::Args {
        crate::messages::Args::new().with("name", format!("{:?}", self.0))
    }
}

/// The transport opener for `emu://NAME`; every other URI is "not mine".
fn open(uri: &PrinterUri) -> Result<Option<Box<dyn Transport>>, TransportError> {
    match uri {
        PrinterUri::InProcess { name } => Ok(Some(Box::new(connect(name)?))),
        _ => Ok(None),
    }
}

/// Connects to the emulator registered as `name`: returns the host end of a fresh pipe, the
/// emulator serves the other end on its own thread.
pub fn connect(name: &str) -> Result<MemoryTransport, TransportError> {
    let emulator = table()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(name)
        .cloned()
        .ok_or_else(|| TransportError::Backend(Box::new(NoSuchEmulator(name.to_string()))))?;
    let label = format!("emu://{name}");
    let (host, printer) = pair(&label, &format!("{label} (printer side)"));
    serve::serve_memory(emulator.shared(), printer);
    Ok(host)
}
