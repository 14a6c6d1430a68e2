//! A channel for a std thread that waits for messages and for the stop at once: the printer
//! worker's operator decisions. [`Receiver::recv_or_stop`] blocks until a message comes, every
//! sender is gone, or the token is cancelled (the token wakes it), never polling.

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError, Weak};

use super::{Shutdown, Wake};

/// The sending half; clone it for each producer.
pub struct Sender<T> {
    shared: Arc<Shared<T>>,
}

/// The receiving half (one per channel).
pub struct Receiver<T> {
    shared: Arc<Shared<T>>,
}

/// A message not delivered because the receiver is gone; it is handed back.
#[derive(Debug, PartialEq, Eq)]
pub struct SendError<T>(pub T);

/// Why [`Receiver::recv_or_stop`] returned without a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// The token was cancelled.
    Stopped,
    /// Every sender is gone and nothing is left.
    Disconnected,
}

struct Shared<T> {
    queue: Mutex<Queue<T>>,
    cond: Condvar,
}

struct Queue<T> {
    items: VecDeque<T>,
    senders: usize,
    receiver: bool,
}

/// A new channel: unbounded, many senders, one receiver.
pub fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let shared = Arc::new(Shared {
        queue: Mutex::new(Queue {
            items: VecDeque::new(),
            senders: 1,
            receiver: true,
        }),
        cond: Condvar::new(),
    });
    (
        Sender {
            shared: shared.clone(),
        },
        Receiver { shared },
    )
}

impl<T> Shared<T> {
    fn lock(&self) -> MutexGuard<'_, Queue<T>> {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl<T: Send> Wake for Shared<T> {
    fn wake(&self) {
        // Taken so that a receiver between its check of the token and its wait sees this.
        let _queue = self.lock();
        self.cond.notify_all();
    }
}

impl<T> Sender<T> {
    /// Queues `item`; fails (handing it back) when the receiver is gone.
    pub fn send(&self, item: T) -> Result<(), SendError<T>> {
        let mut q = self.shared.lock();
        if !q.receiver {
            return Err(SendError(item));
        }
        q.items.push_back(item);
        drop(q);
        self.shared.cond.notify_one();
        Ok(())
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        self.shared.lock().senders += 1;
        Sender {
            shared: self.shared.clone(),
        }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let mut q = self.shared.lock();
        q.senders -= 1;
        if q.senders == 0 {
            drop(q);
            self.shared.cond.notify_all();
        }
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        self.shared.lock().receiver = false;
    }
}

impl<T: Send + 'static> Receiver<T> {
    /// A message already waiting, if any; does not wait.
    pub fn try_recv(&self) -> Option<T> {
        self.shared.lock().items.pop_front()
    }

    /// Waits for the next message. The token is looked at first: once it is cancelled this
    /// returns [`Ended::Stopped`] even when messages wait.
    pub fn recv_or_stop(&self, stop: &Shutdown) -> Result<T, Ended> {
        let waker: Weak<dyn Wake> = Arc::downgrade(&self.shared) as Weak<Shared<T>>;
        if stop.add_waker(waker) {
            return Err(Ended::Stopped);
        }
        let mut q = self.shared.lock();
        loop {
            // Under the queue's lock: a cancel after this check wakes the wait below.
            if stop.is_cancelled() {
                return Err(Ended::Stopped);
            }
            if let Some(item) = q.items.pop_front() {
                return Ok(item);
            }
            if q.senders == 0 {
                return Err(Ended::Disconnected);
            }
            q = self
                .shared
                .cond
                .wait(q)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn messages_come_in_order_then_the_end() {
        let (tx, rx) = channel();
        let stop = Shutdown::new();
        tx.send(1).unwrap();
        tx.clone().send(2).unwrap();
        assert_eq!(rx.recv_or_stop(&stop), Ok(1));
        assert_eq!(rx.try_recv(), Some(2));
        assert_eq!(rx.try_recv(), None);
        drop(tx);
        assert_eq!(rx.recv_or_stop(&stop), Err(Ended::Disconnected));
    }

    #[test]
    fn a_message_from_another_thread_wakes_the_receiver() {
        let (tx, rx) = channel();
        let stop = Shutdown::new();
        let t = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(20));
            tx.send("decision").unwrap();
            // Kept until the receiver has it: the answer is the message, not the hang-up.
            std::thread::sleep(Duration::from_millis(200));
        });
        assert_eq!(rx.recv_or_stop(&stop), Ok("decision"));
        t.join().unwrap();
    }

    #[test]
    fn a_cancel_wakes_a_waiting_receiver() {
        let (tx, rx) = channel::<u32>();
        let stop = Shutdown::new();
        let t = {
            let stop = stop.clone();
            std::thread::spawn(move || rx.recv_or_stop(&stop))
        };
        std::thread::sleep(Duration::from_millis(20));
        stop.cancel();
        assert_eq!(t.join().unwrap(), Err(Ended::Stopped));
        // The sender outlived the receiver: its messages come back.
        assert_eq!(tx.send(7), Err(SendError(7)));
    }

    #[test]
    fn a_cancelled_token_wins_over_waiting_messages() {
        let (tx, rx) = channel();
        let stop = Shutdown::new();
        tx.send(1).unwrap();
        stop.cancel();
        assert_eq!(rx.recv_or_stop(&stop), Err(Ended::Stopped));
        assert_eq!(rx.try_recv(), Some(1));
    }
}
