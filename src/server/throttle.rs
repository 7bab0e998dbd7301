//! How often the last 4 ID characters may be guessed: a timed lock with a growing back-off, per
//! login and per collection code. Pure arithmetic over a failure count and the time of the last
//! failure, so the policy is tested without a clock or a database.
//!
//! The policy, as the page states it to the graduate:
//! - **Per login** (not per session: signing in again does not reset it): 5 tries, then a lock of
//!   1 minute; after each lock one more try, and every further failure doubles the lock (2, 4,
//!   8 … minutes), up to 24 hours.
//! - **Per code**, whoever sends the guesses (a fresh login per guess must not buy unlimited tries
//!   at the ~10⁴ last-4 values): 10 tries, then 15 minutes, doubling up to 24 hours. A login that
//!   has verified this code before is not held by the code's lock, so a stranger holding a
//!   screenshot of the code cannot keep its graduate out once they are in.
//! - A success clears both counts; failures are forgotten a day after the last lock ends.
//! - **Per code, per year**: at most 100 failed tries in 365 days, never cleared by a success.
//!   The back-off alone lets a patient guesser make ~10 tries a day (a third of the ~11 000 last-4
//!   values in a year); the budget holds that to under 1 %. A code that spends it takes no more
//!   tries from logins that have not verified it; the school issues a new code (out of band).
//!
//! What a stranger can do to the real graduate: without the code, nothing (an unknown code and
//! another school's code count only against the stranger's own login, and every mismatch gets
//! the same answer, so no code is learnt); with a screenshot of the code, delay the graduate's
//! first verification by the code's back-off, and at worst spend its yearly budget, which then
//! needs the school's new code. A graduate who has verified once is never held by the code's
//! limits.
//!
//! Why not a permanent lock: anyone with a screenshot of the QR code could then lock its graduate
//! out for good. Why not unlimited tries: 10⁴ values are guessed in an afternoon.

/// One limit: how many failures in a row are free, the first lock, and the longest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub free: u32,
    pub first_lock_s: i64,
    pub max_lock_s: i64,
}

/// The limit per login.
pub const PER_LOGIN: Backoff = Backoff {
    free: 5,
    first_lock_s: 60,
    max_lock_s: DAY_S,
};

/// The limit per collection code.
pub const PER_CODE: Backoff = Backoff {
    free: 10,
    first_lock_s: 15 * 60,
    max_lock_s: DAY_S,
};

const DAY_S: i64 = 24 * 60 * 60;

/// The per-code budget of failed tries in a year.
pub const YEARLY_CODE_BUDGET: YearlyBudget = YearlyBudget {
    failures: 100,
    window_s: 365 * DAY_S,
};

/// A count of failures that lasts a window from its first failure, whatever succeeds meanwhile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct YearlyBudget {
    pub failures: u32,
    pub window_s: i64,
}

/// Failures in the current window and when the window began (unix seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Budget {
    pub failures: u32,
    pub since: i64,
}

impl YearlyBudget {
    /// The budget that counts at `now`: a window that has ended counts nothing. A clock set back
    /// before the window's start keeps it (the count is not a way around the budget).
    fn current(&self, b: Budget, now: i64) -> Budget {
        if b.failures > 0 && now < b.since.saturating_add(self.window_s) {
            b
        } else {
            Budget::default()
        }
    }

    /// Whether the window's failures are all spent at `now`.
    pub fn spent(&self, b: Budget, now: i64) -> bool {
        self.current(b, now).failures >= self.failures
    }

    /// The budget after one more failure at `now` (a new window starts with the first).
    pub fn fail(&self, b: Budget, now: i64) -> Budget {
        let b = self.current(b, now);
        Budget {
            failures: b.failures.saturating_add(1),
            since: if b.failures == 0 { now } else { b.since },
        }
    }
}

/// Failures in a row and when the last one happened (unix seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Failures {
    pub count: u32,
    pub last_at: i64,
}

/// What a limit says now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Tries left before the next lock (at least 1).
    Open { attempts_left: u32 },
    /// Locked until this time (unix seconds).
    Locked { until: i64 },
}

impl Backoff {
    /// The lock that `count` failures in a row earn: none below `free`, then `first_lock_s`,
    /// doubled for every failure after that, at most `max_lock_s`.
    pub fn lock_s(&self, count: u32) -> Option<i64> {
        let over = count.checked_sub(self.free)?;
        let doubled = self
            .first_lock_s
            .checked_mul(1i64.checked_shl(over.min(62)).unwrap_or(i64::MAX))
            .unwrap_or(i64::MAX);
        Some(doubled.min(self.max_lock_s))
    }

    /// The failures that still count at `now`: all of them until a day after the last lock (or
    /// the last failure) ends, none after.
    pub fn current(&self, f: Failures, now: i64) -> Failures {
        let ends = f.last_at + self.lock_s(f.count).unwrap_or(0);
        if f.count > 0 && now >= ends.saturating_add(DAY_S) {
            Failures::default()
        } else {
            f
        }
    }

    /// The failures moved to `now` when the clock has been set back before the last one (`None`
    /// when it has not): the caller stores them, so a lock lasts its own length from the moment
    /// the jump was seen, never longer (a year back once read "try again in 8760 h") and never
    /// shorter.
    pub fn rebased(&self, f: Failures, now: i64) -> Option<Failures> {
        (f.count > 0 && f.last_at > now).then_some(Failures {
            count: f.count,
            last_at: now,
        })
    }

    /// Whether a try is allowed at `now`, and how many are left before the next lock.
    pub fn verdict(&self, f: Failures, now: i64) -> Verdict {
        let f = self.current(f, now);
        match self.lock_s(f.count) {
            Some(lock) if now < f.last_at.saturating_add(lock) => Verdict::Locked {
                until: f.last_at + lock,
            },
            // After a lock ends: one try, whose failure earns the next, longer lock.
            Some(_) => Verdict::Open { attempts_left: 1 },
            None => Verdict::Open {
                attempts_left: self.free - f.count,
            },
        }
    }

    /// The failures after one more at `now`.
    pub fn fail(&self, f: Failures, now: i64) -> Failures {
        let f = self.current(f, now);
        Failures {
            count: f.count.saturating_add(1),
            last_at: now,
        }
    }
}

/// A wait in words, rounded up to the minute: "1 分钟", "2 小时 5 分钟" / "1 minute", "2 h 5 min".
pub fn wait_text(seconds: i64) -> (String, String) {
    let minutes = (seconds.max(1) + 59) / 60;
    let (h, m) = (minutes / 60, minutes % 60);
    match (h, m) {
        (0, m) => (
            format!("{m} 分钟"),
            format!("{m} minute{}", if m == 1 { "" } else { "s" }),
        ),
        (h, 0) => (format!("{h} 小时"), format!("{h} h")),
        (h, m) => (format!("{h} 小时 {m} 分钟"), format!("{h} h {m} min")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_tries_then_locks_that_double_up_to_a_day() {
        let b = PER_LOGIN;
        assert_eq!(b.lock_s(4), None);
        assert_eq!(b.lock_s(5), Some(60));
        assert_eq!(b.lock_s(6), Some(120));
        assert_eq!(b.lock_s(9), Some(960));
        assert_eq!(b.lock_s(16), Some(DAY_S));
        assert_eq!(b.lock_s(u32::MAX), Some(DAY_S));
    }

    #[test]
    fn attempts_count_down_then_lock_then_one_more_try() {
        let b = PER_LOGIN;
        let mut f = Failures::default();
        let mut now = 1_000;
        for left in (1..=5).rev() {
            assert_eq!(
                b.verdict(f, now),
                Verdict::Open {
                    attempts_left: left
                }
            );
            f = b.fail(f, now);
            now += 1;
        }
        let last = now - 1;
        assert_eq!(b.verdict(f, now), Verdict::Locked { until: last + 60 });
        assert_eq!(b.verdict(f, last + 60), Verdict::Open { attempts_left: 1 });
        f = b.fail(f, last + 60);
        assert_eq!(
            b.verdict(f, last + 61),
            Verdict::Locked {
                until: last + 60 + 120
            }
        );
    }

    #[test]
    fn failures_are_forgotten_a_day_after_the_lock_ends() {
        let b = PER_CODE;
        let f = Failures {
            count: 10,
            last_at: 0,
        };
        assert_eq!(b.verdict(f, 899), Verdict::Locked { until: 900 });
        assert_eq!(
            b.verdict(f, 900 + DAY_S - 1),
            Verdict::Open { attempts_left: 1 }
        );
        assert_eq!(
            b.verdict(f, 900 + DAY_S),
            Verdict::Open { attempts_left: 10 }
        );
        assert_eq!(b.fail(f, 900 + DAY_S).count, 1);
    }

    #[test]
    fn waits_read_in_minutes_and_hours() {
        assert_eq!(wait_text(1).0, "1 分钟");
        assert_eq!(wait_text(60).1, "1 minute");
        assert_eq!(wait_text(61).1, "2 minutes");
        assert_eq!(wait_text(3600).0, "1 小时");
        assert_eq!(wait_text(2 * 3600 + 300).0, "2 小时 5 分钟");
    }

    /// A patient guesser with a fresh login for every try (so only the code's limits bind), who
    /// waits out every lock, for a year: the yearly budget stops them under 1 % of the last-4
    /// space (3 digits and a digit or X: 11 000 values). The back-off alone would allow a third.
    #[test]
    fn a_year_of_patient_guessing_finds_under_one_percent_of_the_last_4() {
        let space = 11_000.0;
        let year_end = 365 * DAY_S;
        let guesses = |with_budget: bool| {
            let (mut f, mut b, mut now, mut n) =
                (Failures::default(), Budget::default(), 0i64, 0u32);
            while now < year_end {
                if with_budget && YEARLY_CODE_BUDGET.spent(b, now) {
                    break;
                }
                match PER_CODE.verdict(f, now) {
                    Verdict::Locked { until } => now = until,
                    Verdict::Open { .. } => {
                        f = PER_CODE.fail(f, now);
                        b = YEARLY_CODE_BUDGET.fail(b, now);
                        n += 1;
                        now += 1;
                    }
                }
            }
            n
        };
        let budgeted = guesses(true);
        assert!(f64::from(budgeted) / space < 0.01, "{budgeted} guesses");
        assert_eq!(budgeted, YEARLY_CODE_BUDGET.failures);
        let unbudgeted = guesses(false);
        assert!(
            f64::from(unbudgeted) > 300.0,
            "the back-off alone: {unbudgeted}"
        );
    }

    #[test]
    fn the_yearly_budget_lasts_a_year_from_its_first_failure_and_a_clock_set_back_keeps_it() {
        let y = YEARLY_CODE_BUDGET;
        let mut b = Budget::default();
        for i in 0..y.failures {
            assert!(!y.spent(b, 1_000 + i64::from(i)));
            b = y.fail(b, 1_000 + i64::from(i));
        }
        assert_eq!(b.since, 1_000);
        assert!(y.spent(b, 1_000 + y.window_s - 1));
        assert!(y.spent(b, 0), "a clock set back does not reopen it");
        assert!(!y.spent(b, 1_000 + y.window_s), "a new year, a new budget");
        assert_eq!(
            y.fail(b, 1_000 + y.window_s),
            Budget {
                failures: 1,
                since: 1_000 + y.window_s
            }
        );
    }

    #[test]
    fn a_clock_set_back_never_lengthens_a_lock_beyond_itself() {
        let b = PER_LOGIN;
        let mut f = Failures::default();
        let t = 400 * DAY_S;
        for _ in 0..5 {
            f = b.fail(f, t);
        }
        assert_eq!(b.verdict(f, t), Verdict::Locked { until: t + 60 });
        // The clock moved back a year: the failures are rebased to then (and stored), and the
        // lock lasts its minute from there; a clock that has not moved back changes nothing.
        let back = t - 365 * DAY_S;
        assert_eq!(b.rebased(f, t), None);
        let f = b.rebased(f, back).unwrap();
        assert_eq!(b.verdict(f, back), Verdict::Locked { until: back + 60 });
        assert_eq!(b.verdict(f, back + 60), Verdict::Open { attempts_left: 1 });
    }
}
