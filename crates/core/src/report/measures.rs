//! The measures every rollup row keeps (counts, sums of milliseconds and one maximum), and a
//! row's values.

use std::ops::AddAssign;

/// The width of the finest rollup bucket: every time zone offset in use (+05:30, +05:45,
/// +12:45 included) is a multiple of it, so any zone's wall-clock intervals are unions of
/// buckets.
pub const BUCKET_MS: i64 = 15 * 60 * 1000;

macro_rules! measures {
    ($($name:ident => $column:literal,)*) => {
        /// The measures rollup rows keep, in column order.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Measure { $($name,)* }

        impl Measure {
            pub const ALL: &'static [Measure] = &[$(Measure::$name,)*];

            /// The rollup tables' column.
            pub fn column(self) -> &'static str {
                match self { $(Measure::$name => $column,)* }
            }
        }
    };
}

measures! {
    Offered => "offered",
    Answered => "answered",
    AnsweredInSla => "answered_in_sla",
    AnswerMs => "answer_ms",
    Abandoned => "abandoned",
    ShortAbandoned => "short_abandoned",
    AbandonedInSla => "abandoned_in_sla",
    AbandonMs => "abandon_ms",
    QueueExits => "queue_exits",
    QueueMs => "queue_ms",
    IvrCount => "ivr_count",
    IvrMs => "ivr_ms",
    IvrOnly => "ivr_only",
    Started => "started",
    Ended => "ended",
    Handled => "handled",
    HandleMs => "handle_ms",
    TalkMs => "talk_ms",
    HoldMs => "hold_ms",
    Holds => "holds",
    AcwMs => "acw_ms",
    Transfers => "transfers",
    Consults => "consults",
    OutboundAttempts => "outbound_attempts",
    OutboundConnects => "outbound_connects",
    LongestAnswerMs => "longest_answer_ms",
}

impl Measure {
    /// Whether rows keep this measure's maximum rather than its sum (the longest answered
    /// wait). A maximum cannot be subtracted: the store recomputes it from the answers it
    /// keeps when one leaves.
    pub fn is_maximum(self) -> bool {
        self == Measure::LongestAnswerMs
    }
}

/// How many measures a row keeps.
pub const MEASURES: usize = Measure::ALL.len();

/// One value per measure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Counts(pub [i64; MEASURES]);

impl Default for Counts {
    fn default() -> Self {
        Self([0; MEASURES])
    }
}

impl Counts {
    pub fn get(&self, measure: Measure) -> i64 {
        self.0[measure as usize]
    }

    /// Adds `value` to a sum, or keeps the larger for a maximum.
    pub fn add(&mut self, measure: Measure, value: i64) {
        let slot = &mut self.0[measure as usize];
        if measure.is_maximum() {
            *slot = (*slot).max(value);
        } else {
            *slot += value;
        }
    }

    /// Adds `sign` times every sum of `other` (maxima are left as they are).
    pub fn add_sums(&mut self, other: &Counts, sign: i64) {
        for measure in Measure::ALL.iter().filter(|m| !m.is_maximum()) {
            self.0[*measure as usize] += sign * other.get(*measure);
        }
    }

    /// These counts with every measure but `measures` zeroed.
    pub fn only(&self, measures: &[Measure]) -> Counts {
        let mut only = Counts::default();
        for m in measures {
            only.0[*m as usize] = self.0[*m as usize];
        }
        only
    }

    pub fn is_zero(&self) -> bool {
        self.0.iter().all(|v| *v == 0)
    }
}

/// Combines two rows: sums add, maxima keep the larger.
impl AddAssign<&Counts> for Counts {
    fn add_assign(&mut self, other: &Counts) {
        for measure in Measure::ALL {
            self.add(*measure, other.get(*measure));
        }
    }
}
