//! The PC/SC backend of [`CardChannel`], on the `pcsc` crate (libpcsclite → pcscd → reader).
//!
//! PC/SC calls block without a deadline (a mute card can hold `SCardTransmit` forever), so a
//! worker thread owns the context and the card and every call waits for its answer with a
//! timeout. After a timeout the channel is poisoned: the card is rejected, never reused.

use std::ffi::CString;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use pcsc::{Card, Context, Disposition, Protocols, ReaderState, Scope, ShareMode, State};

use super::channel::{CardChannel, ChannelCaps};
use super::error::ChipError;
use super::reader_caps::read_caps;

/// How to find and talk to the card.
#[derive(Debug, Clone)]
pub struct PcscConfig {
    /// Reader name pattern: `*` wildcards, otherwise a case-insensitive substring.
    pub reader_pattern: String,
    /// How long to wait for a card to arrive in the reader.
    pub card_wait: Duration,
    /// Deadline of each APDU exchange.
    pub apdu_timeout: Duration,
}

impl PcscConfig {
    /// A configuration with the usual timeouts (card 10 s, APDU 5 s).
    pub fn new(reader_pattern: impl Into<String>) -> Self {
        PcscConfig {
            reader_pattern: reader_pattern.into(),
            card_wait: Duration::from_secs(10),
            apdu_timeout: Duration::from_secs(5),
        }
    }
}

enum Request {
    Transmit(Vec<u8>),
    Reconnect,
}

type Reply = Result<Vec<u8>, ChipError>;

/// What the worker reports once connected: reader name, ATR, capabilities.
type Opened = (String, Vec<u8>, ChannelCaps);

/// A card connected through PC/SC, inside one PC/SC transaction while it lives (other
/// applications wait until it is dropped).
pub struct PcscChannel {
    requests: Option<mpsc::Sender<Request>>,
    replies: mpsc::Receiver<Reply>,
    atr: Vec<u8>,
    reader: String,
    caps: ChannelCaps,
    apdu_timeout: Duration,
    poisoned: bool,
    /// Closed when the worker has disconnected and released its context.
    worker_done: mpsc::Receiver<()>,
}

/// How long dropping a channel waits for its worker to leave libpcsclite. The library frees
/// its handle list in an exit-time destructor; a process that returns from `main` while the
/// worker is still disconnecting can crash there (seen as `cetak encode` printing success
/// and exiting by a signal).
const WORKER_EXIT_WAIT: Duration = Duration::from_secs(3);

static LIVE_WORKERS: AtomicUsize = AtomicUsize::new(0);

/// Channel workers of this process still inside libpcsclite (connected, or disconnecting).
/// Zero once every channel is dropped, unless one was left behind on a mute card.
pub fn live_workers() -> usize {
    LIVE_WORKERS.load(Ordering::SeqCst)
}

/// Maps a PC/SC error to the chip error the operator understands.
pub fn map_pcsc(err: pcsc::Error) -> ChipError {
    use pcsc::Error as E;
    match err {
        E::NoService | E::ServiceStopped | E::NoReadersAvailable => {
            ChipError::NoService(err.to_string())
        }
        E::RemovedCard | E::NoSmartcard => ChipError::CardRemoved,
        E::ResetCard => ChipError::CardReset,
        E::SharingViolation => ChipError::ReaderBusy,
        E::UnresponsiveCard | E::UnpoweredCard => ChipError::Mute { timeout_ms: 0 },
        other => ChipError::Transport(other.to_string()),
    }
}

pub use super::reader_pattern::reader_matches;

/// Names of the readers pcscd offers now.
pub fn list_readers() -> Result<Vec<String>, ChipError> {
    let ctx = retry_access(|| Context::establish(Scope::User)).map_err(map_pcsc)?;
    readers_of(&ctx)
}

fn readers_of(ctx: &Context) -> Result<Vec<String>, ChipError> {
    match ctx.list_readers_owned() {
        Ok(names) => Ok(names
            .into_iter()
            .map(|n| n.to_string_lossy().into_owned())
            .collect()),
        Err(pcsc::Error::NoReadersAvailable) => Ok(Vec::new()),
        Err(e) => Err(map_pcsc(e)),
    }
}

/// Waits until a card is present in `reader` (or the deadline passes).
fn wait_for_card(ctx: &Context, reader: &str, wait: Duration) -> Result<(), ChipError> {
    let name = CString::new(reader).map_err(|e| ChipError::Transport(e.to_string()))?;
    let deadline = Instant::now() + wait;
    let mut states = [ReaderState::new(name, State::UNAWARE)];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match ctx.get_status_change(left, &mut states) {
            Ok(()) => {}
            Err(pcsc::Error::Timeout) => {
                return Err(ChipError::NoCard {
                    reader: reader.to_string(),
                    waited_ms: wait.as_millis() as u64,
                })
            }
            Err(e) => return Err(map_pcsc(e)),
        }
        let ev = states[0].event_state();
        if ev.contains(State::PRESENT) && !ev.contains(State::MUTE) {
            return Ok(());
        }
        if ev.contains(State::UNKNOWN) || ev.contains(State::UNAVAILABLE) {
            return Err(ChipError::Transport(format!("reader {reader} unavailable")));
        }
        states[0].sync_current_state();
        if Instant::now() >= deadline {
            return Err(ChipError::NoCard {
                reader: reader.to_string(),
                waited_ms: wait.as_millis() as u64,
            });
        }
    }
}

/// After a failed exchange, tells a removed card from another failure: the reader needs a
/// moment to notice the card has gone.
fn classify_failure(ctx: &Context, reader: &str, err: pcsc::Error) -> ChipError {
    let mapped = map_pcsc(err);
    if !matches!(mapped, ChipError::Transport(_)) {
        return mapped;
    }
    let Ok(name) = CString::new(reader) else {
        return mapped;
    };
    let mut states = [ReaderState::new(name, State::UNAWARE)];
    let deadline = Instant::now() + Duration::from_millis(1500);
    while Instant::now() < deadline {
        let left = deadline.saturating_duration_since(Instant::now());
        if ctx.get_status_change(left, &mut states).is_err() {
            break;
        }
        if states[0].event_state().contains(State::EMPTY) {
            return ChipError::CardRemoved;
        }
        states[0].sync_current_state();
    }
    mapped
}

/// pcscd answers "security violation" now and then under heavy load (seen with several
/// clients connecting at once) although the same call succeeds a moment later; a few short
/// retries keep that from failing a card. A refusal that lasts is reported as it is.
fn retry_access<T>(mut call: impl FnMut() -> Result<T, pcsc::Error>) -> Result<T, pcsc::Error> {
    let mut tries = 0;
    loop {
        match call() {
            Err(pcsc::Error::SecurityViolation) if tries < 5 => {
                tries += 1;
                tracing::debug!(tries, "pcscd refused access; trying again");
                std::thread::sleep(Duration::from_millis(100 * tries));
            }
            other => return other,
        }
    }
}

fn connect(ctx: &Context, reader: &str) -> Result<(Card, Vec<u8>), ChipError> {
    let name = CString::new(reader).map_err(|e| ChipError::Transport(e.to_string()))?;
    let card =
        retry_access(|| ctx.connect(&name, ShareMode::Shared, Protocols::T0 | Protocols::T1))
            .map_err(map_pcsc)?;
    let atr = card.status2_owned().map_err(map_pcsc)?.atr().to_vec();
    Ok((card, atr))
}

/// The worker: opens, then serves requests inside one transaction until the sender is dropped.
fn worker(
    cfg: PcscConfig,
    requests: mpsc::Receiver<Request>,
    replies: mpsc::Sender<Reply>,
    opened: mpsc::Sender<Result<Opened, ChipError>>,
) {
    let setup = (|| {
        let ctx = retry_access(|| Context::establish(Scope::User)).map_err(map_pcsc)?;
        let available = readers_of(&ctx)?;
        let reader = available
            .iter()
            .find(|n| reader_matches(&cfg.reader_pattern, n))
            .cloned()
            .ok_or_else(|| ChipError::NoReader {
                pattern: cfg.reader_pattern.clone(),
                available,
            })?;
        wait_for_card(&ctx, &reader, cfg.card_wait)?;
        let (card, atr) = connect(&ctx, &reader)?;
        Ok((ctx, reader, card, atr))
    })();
    let (ctx, reader, mut card, atr) = match setup {
        Ok(v) => v,
        Err(e) => {
            let _ = opened.send(Err(e));
            return;
        }
    };
    let caps = read_caps(&card);
    if opened.send(Ok((reader.clone(), atr, caps))).is_err() {
        return;
    }
    loop {
        match serve_transaction(&ctx, &reader, &mut card, &requests, &replies) {
            Served::Done => {
                let _ = card.disconnect(Disposition::LeaveCard);
                return;
            }
            Served::Reconnect => {}
            Served::NoTransaction(err) => {
                // Report the failure at the next request; a reconnect may cure it.
                match requests.recv() {
                    Ok(Request::Reconnect) => {}
                    Ok(Request::Transmit(_)) => {
                        if replies.send(Err(err)).is_err() {
                            return;
                        }
                        continue;
                    }
                    Err(_) => return,
                }
            }
        }
        let r = card
            .reconnect(
                ShareMode::Shared,
                Protocols::T0 | Protocols::T1,
                Disposition::ResetCard,
            )
            .map_err(map_pcsc)
            .and_then(|_| card.status2_owned().map_err(map_pcsc))
            .map(|s| s.atr().to_vec());
        if replies.send(r).is_err() {
            return;
        }
    }
}

/// Room for the answer to `apdu`: Ne data bytes (at least 256) and SW1 SW2. An answer longer
/// than the command allows breaks ISO/IEC 7816-4; with a buffer of the right size the reader
/// driver fails such an exchange ("not transacted") instead of handing us garbage.
pub fn response_capacity(apdu: &[u8]) -> usize {
    match super::apdu::Command::from_bytes(apdu) {
        Ok(cmd) => cmd.le.unwrap_or(0).max(super::apdu::SHORT_MAX_LE) + 2,
        Err(_) => pcsc::MAX_BUFFER_SIZE_EXTENDED,
    }
}

enum Served {
    Done,
    Reconnect,
    NoTransaction(ChipError),
}

/// Serves transmits inside one PC/SC transaction until a reconnect is asked or the channel
/// is dropped.
fn serve_transaction(
    ctx: &Context,
    reader: &str,
    card: &mut Card,
    requests: &mpsc::Receiver<Request>,
    replies: &mpsc::Sender<Reply>,
) -> Served {
    let tx = match card.transaction2() {
        Ok(tx) => tx,
        Err((_, e)) => return Served::NoTransaction(classify_failure(ctx, reader, e)),
    };
    let mut buf = vec![0u8; pcsc::MAX_BUFFER_SIZE_EXTENDED];
    for req in requests.iter() {
        match req {
            Request::Transmit(apdu) => {
                let cap = response_capacity(&apdu).min(buf.len());
                let r = match tx.transmit(&apdu, &mut buf[..cap]) {
                    // Fewer than SW1 SW2: some drivers (vpcd) report a card that left this way.
                    Ok(answer) if answer.len() < 2 => {
                        Err(classify_failure(ctx, reader, pcsc::Error::CommError))
                    }
                    Ok(answer) => Ok(answer.to_vec()),
                    Err(e) => Err(classify_failure(ctx, reader, e)),
                };
                if replies.send(r).is_err() {
                    break;
                }
            }
            Request::Reconnect => {
                let _ = tx.end(Disposition::LeaveCard);
                return Served::Reconnect;
            }
        }
    }
    let _ = tx.end(Disposition::LeaveCard);
    Served::Done
}

/// A card worker counted in [`live_workers`] until dropped; its drop then signals the
/// channel's `worker_done`. A thread that cannot be spawned drops it unrun, and a panic drops
/// it while unwinding, so neither leaves the count or a waiting drop behind.
struct WorkerAlive {
    _done: mpsc::Sender<()>,
}

impl WorkerAlive {
    fn new(done: mpsc::Sender<()>) -> Self {
        LIVE_WORKERS.fetch_add(1, Ordering::SeqCst);
        WorkerAlive { _done: done }
    }
}

impl Drop for WorkerAlive {
    fn drop(&mut self) {
        // Before `_done` is dropped: whoever waits on `worker_done` sees the count already down.
        LIVE_WORKERS.fetch_sub(1, Ordering::SeqCst);
    }
}

impl PcscChannel {
    /// Finds the reader, waits for a card, connects (T=0 or T=1) and begins a transaction.
    pub fn open(cfg: PcscConfig) -> Result<Self, ChipError> {
        let (req_tx, req_rx) = mpsc::channel();
        let (rep_tx, rep_rx) = mpsc::channel();
        let (open_tx, open_rx) = mpsc::channel();
        let apdu_timeout = cfg.apdu_timeout;
        // Enough for the card wait plus a connect (power-on + ATR) that may itself hang.
        let open_deadline = cfg.card_wait + apdu_timeout + Duration::from_secs(2);
        let (done_tx, worker_done) = mpsc::channel::<()>();
        let alive = WorkerAlive::new(done_tx);
        std::thread::Builder::new()
            .name("pcsc-card".into())
            .spawn(move || {
                // Dropped last (also when the worker panics), after `worker` has dropped its
                // card and context.
                let _alive = alive;
                worker(cfg, req_rx, rep_tx, open_tx);
            })
            .map_err(|e| ChipError::Transport(e.to_string()))?;
        let (reader, atr, caps) = match open_rx.recv_timeout(open_deadline) {
            Ok(Ok(opened)) => opened,
            Ok(Err(e)) => {
                // The worker is releasing its context; let it finish before the caller may exit.
                let _ = worker_done.recv_timeout(WORKER_EXIT_WAIT);
                return Err(e);
            }
            Err(_) => {
                return Err(ChipError::Mute {
                    timeout_ms: open_deadline.as_millis() as u64,
                })
            }
        };
        tracing::debug!(%reader, atr = %hex::encode(&atr), "card connected");
        Ok(PcscChannel {
            requests: Some(req_tx),
            replies: rep_rx,
            atr,
            reader,
            caps,
            apdu_timeout,
            poisoned: false,
            worker_done,
        })
    }

    fn call(&mut self, req: Request) -> Reply {
        let timeout_ms = self.apdu_timeout.as_millis() as u64;
        if self.poisoned {
            return Err(ChipError::Mute { timeout_ms });
        }
        let sent = self
            .requests
            .as_ref()
            .map(|s| s.send(req).is_ok())
            .unwrap_or(false);
        if !sent {
            return Err(ChipError::Transport("card worker stopped".into()));
        }
        match self.replies.recv_timeout(self.apdu_timeout) {
            Ok(r) => r,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                self.poisoned = true;
                Err(ChipError::Mute { timeout_ms })
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                Err(ChipError::Transport("card worker stopped".into()))
            }
        }
    }
}

impl CardChannel for PcscChannel {
    fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, ChipError> {
        self.call(Request::Transmit(apdu.to_vec()))
    }

    fn atr(&self) -> Vec<u8> {
        self.atr.clone()
    }

    fn reconnect(&mut self) -> Result<(), ChipError> {
        self.atr = self.call(Request::Reconnect)?;
        Ok(())
    }

    fn reader_name(&self) -> String {
        self.reader.clone()
    }

    fn caps(&self) -> ChannelCaps {
        self.caps.clone()
    }
}

impl Drop for PcscChannel {
    fn drop(&mut self) {
        // Dropping the sender ends the worker's loop; then wait, bounded, until it has
        // disconnected, so that no PC/SC call is in flight when the process exits. A worker
        // stuck on a mute card is left behind after the wait.
        self.requests.take();
        let wait = if self.poisoned {
            Duration::ZERO
        } else {
            WORKER_EXIT_WAIT
        };
        let _ = self.worker_done.recv_timeout(wait);
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn answers_get_room_for_ne_bytes() {
        use super::response_capacity;
        assert_eq!(response_capacity(&[0x00, 0xA4, 0x00, 0x0C]), 258);
        assert_eq!(
            response_capacity(&[0x00, 0xB0, 0x00, 0x00, 0x00, 0x10, 0x00]),
            4098
        );
        assert_eq!(
            response_capacity(&[0x00, 0xB0, 0x00, 0x00, 0x00, 0x00, 0x00]),
            65_538
        );
        assert_eq!(response_capacity(&[0x00]), pcsc::MAX_BUFFER_SIZE_EXTENDED);
    }
}
