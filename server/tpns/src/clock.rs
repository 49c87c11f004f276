//! Time as a service, so that tests and benchmarks can run the sandbox and the sync worker on a
//! simulated clock ("a simulated hour" in seconds of real time) while production reads the
//! system clock.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// A source of the current time.
pub trait Clock: Send + Sync + 'static {
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> i64;
    /// Whether this is the machine's own clock (which should agree with the database's) rather
    /// than a simulated one.
    fn is_system(&self) -> bool {
        false
    }
}

/// The system clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0)
    }
    fn is_system(&self) -> bool {
        true
    }
}

/// A clock that only moves when told to.
#[derive(Debug)]
pub struct ManualClock {
    ms: AtomicI64,
}

impl ManualClock {
    pub fn new(start_ms: i64) -> ManualClock {
        ManualClock {
            ms: AtomicI64::new(start_ms),
        }
    }
    pub fn advance_ms(&self, ms: i64) {
        self.ms.fetch_add(ms, Ordering::SeqCst);
    }
    pub fn set_ms(&self, ms: i64) {
        self.ms.store(ms, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> i64 {
        self.ms.load(Ordering::SeqCst)
    }
}

/// A cheaply cloned handle on a clock.
#[derive(Clone)]
pub struct SharedClock(Arc<dyn Clock>);

impl SharedClock {
    pub fn system() -> SharedClock {
        SharedClock(Arc::new(SystemClock))
    }
    pub fn manual(clock: Arc<ManualClock>) -> SharedClock {
        SharedClock(clock)
    }
    /// Any clock (a test's stand-in for a machine whose clock is wrong, say).
    pub fn of(clock: Arc<dyn Clock>) -> SharedClock {
        SharedClock(clock)
    }
    pub fn now_ms(&self) -> i64 {
        self.0.now_ms()
    }
    /// Whether this is the machine's real clock, not a simulated one.
    pub fn is_system(&self) -> bool {
        self.0.is_system()
    }
    /// Unix seconds.
    pub fn now(&self) -> i64 {
        self.0.now_ms().div_euclid(1000)
    }
}

impl Default for SharedClock {
    fn default() -> Self {
        SharedClock::system()
    }
}

impl std::fmt::Debug for SharedClock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SharedClock({})", self.now_ms())
    }
}
