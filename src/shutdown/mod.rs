//! One way to stop: a cancellation token the daemon process owns and passes down.
//!
//! [`Shutdown`] is cheap to clone; every clone sees the same signal. Async code awaits
//! [`Shutdown::cancelled`]; a std thread doing blocking device I/O checks
//! [`Shutdown::is_cancelled`] between steps, and sleeps with [`Shutdown::wait_timeout`], which
//! a cancel wakes at once. [`Shutdown::child`] makes a token cancelled with its parent that can
//! also be cancelled alone (the server link's "stop claiming" before "stop all"). A thread that
//! waits for messages uses a [`channel`], whose [`Receiver::recv_or_stop`] also wakes at the
//! cancel: no polling.

use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError, Weak};

mod channel;

pub use channel::{channel, Ended, Receiver, SendError, Sender};
use std::time::{Duration, Instant};

/// A cancellation signal shared by everything that must stop together.
#[derive(Clone, Default)]
pub struct Shutdown {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    state: Mutex<State>,
    cond: Condvar,
    notify: tokio::sync::Notify,
}

#[derive(Default)]
struct State {
    cancelled: bool,
    children: Vec<Shutdown>,
    /// Waiters of other kinds (a channel's receiver) to wake at the cancel.
    wakers: Vec<Weak<dyn Wake>>,
}

/// Something a cancel must wake that does not wait on the token's own condition variable.
pub(crate) trait Wake: Send + Sync {
    /// Wakes whoever waits; they then see the token cancelled.
    fn wake(&self);
}

impl std::fmt::Debug for Shutdown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shutdown")
            .field("cancelled", &self.is_cancelled())
            .finish()
    }
}

impl Shutdown {
    /// A new, not yet cancelled token.
    pub fn new() -> Self {
        Self::default()
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.inner
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Cancels this token and its children, waking every waiter. Idempotent.
    pub fn cancel(&self) {
        let (children, wakers) = {
            let mut st = self.state();
            if st.cancelled {
                return;
            }
            st.cancelled = true;
            (
                std::mem::take(&mut st.children),
                std::mem::take(&mut st.wakers),
            )
        };
        self.inner.cond.notify_all();
        self.inner.notify.notify_waiters();
        for w in wakers.iter().filter_map(Weak::upgrade) {
            w.wake();
        }
        for c in children {
            c.cancel();
        }
    }

    /// Registers `waker` (once) to be woken at the cancel; returns whether the token is
    /// already cancelled (then nothing is registered).
    pub(crate) fn add_waker(&self, waker: Weak<dyn Wake>) -> bool {
        let mut st = self.state();
        if st.cancelled {
            return true;
        }
        st.wakers.retain(|w| w.strong_count() > 0);
        if !st.wakers.iter().any(|w| Weak::ptr_eq(w, &waker)) {
            st.wakers.push(waker);
        }
        false
    }

    /// Whether the token was cancelled.
    pub fn is_cancelled(&self) -> bool {
        self.state().cancelled
    }

    /// A token cancelled when this one is; cancelling it leaves this one alone.
    pub fn child(&self) -> Shutdown {
        let child = Shutdown::new();
        let mut st = self.state();
        if st.cancelled {
            drop(st);
            child.cancel();
        } else {
            st.children.push(child.clone());
        }
        child
    }

    /// Blocks the calling (std) thread for up to `d`, returning early when cancelled. Returns
    /// whether the token is cancelled.
    pub fn wait_timeout(&self, d: Duration) -> bool {
        let deadline = Instant::now() + d;
        let mut st = self.state();
        while !st.cancelled {
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            st = self
                .inner
                .cond
                .wait_timeout(st, deadline - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        true
    }

    /// Completes once the token is cancelled.
    pub async fn cancelled(&self) {
        loop {
            let notified = self.inner.notify.notified();
            tokio::pin!(notified);
            // Registered before the check: a cancel between the two still wakes this waiter.
            notified.as_mut().enable();
            if self.is_cancelled() {
                return;
            }
            notified.await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cancel_wakes_a_sleeping_thread_at_once() {
        let s = Shutdown::new();
        let t = {
            let s = s.clone();
            std::thread::spawn(move || {
                let start = Instant::now();
                (s.wait_timeout(Duration::from_secs(30)), start.elapsed())
            })
        };
        std::thread::sleep(Duration::from_millis(50));
        s.cancel();
        let (cancelled, took) = t.join().unwrap();
        assert!(cancelled);
        assert!(took < Duration::from_secs(10), "woken after {took:?}");
        assert!(!Shutdown::new().wait_timeout(Duration::from_millis(1)));
    }

    #[test]
    fn a_child_stops_with_its_parent_but_not_the_other_way() {
        let parent = Shutdown::new();
        let child = parent.child();
        child.cancel();
        assert!(!parent.is_cancelled());
        let other = parent.child();
        parent.cancel();
        assert!(other.is_cancelled());
        assert!(parent.child().is_cancelled());
    }

    #[tokio::test]
    async fn an_async_waiter_sees_the_cancel() {
        let s = Shutdown::new();
        let w = tokio::spawn({
            let s = s.clone();
            async move { s.cancelled().await }
        });
        tokio::task::yield_now().await;
        s.cancel();
        tokio::time::timeout(Duration::from_secs(10), w)
            .await
            .expect("waiter woken")
            .unwrap();
    }
}
