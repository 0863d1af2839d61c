//! The measures every rollup row keeps (counts and sums of milliseconds), and a row's values.

use std::ops::{AddAssign, SubAssign};

/// The width of the finest rollup bucket: every time zone offset in use (+05:30, +05:45,
/// +12:45 included) is a multiple of it, so any zone's wall-clock intervals are unions of
/// buckets.
pub const BUCKET_MS: i64 = 15 * 60 * 1000;

macro_rules! measures {
    ($($name:ident => $column:literal,)*) => {
        /// The additive measures every rollup row keeps, in column order.
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

    pub fn add(&mut self, measure: Measure, value: i64) {
        self.0[measure as usize] += value;
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

impl AddAssign<&Counts> for Counts {
    fn add_assign(&mut self, other: &Counts) {
        self.0.iter_mut().zip(other.0).for_each(|(a, b)| *a += b);
    }
}

impl SubAssign<&Counts> for Counts {
    fn sub_assign(&mut self, other: &Counts) {
        self.0.iter_mut().zip(other.0).for_each(|(a, b)| *a -= b);
    }
}
