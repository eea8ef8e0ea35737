//! The engine's notion of "now", settable in tests.

use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

/// Wall-clock time, or a fixed time that tests move by hand.
#[derive(Debug, Default)]
pub struct Clock {
    fixed: Mutex<Option<i64>>,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Clock {
        Clock {
            fixed: Mutex::new(None),
        }
    }

    /// A clock stopped at `micros` since the epoch.
    pub fn fixed(micros: i64) -> Clock {
        Clock {
            fixed: Mutex::new(Some(micros)),
        }
    }

    /// Stops the clock at `micros`.
    pub fn set_micros(&self, micros: i64) {
        *self.fixed.lock().unwrap_or_else(|p| p.into_inner()) = Some(micros);
    }

    /// Moves a stopped clock forward (stops a running one at now + `secs`).
    pub fn advance_secs(&self, secs: i64) {
        let now = self.now_micros();
        self.set_micros(now.saturating_add(secs.saturating_mul(1_000_000)));
    }

    /// Now, in microseconds since the epoch.
    pub fn now_micros(&self) -> i64 {
        if let Some(m) = *self.fixed.lock().unwrap_or_else(|p| p.into_inner()) {
            return m;
        }
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
            .unwrap_or(0)
    }
}
