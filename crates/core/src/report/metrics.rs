//! The metrics a report serves, each defined once from the rollups' measures (the README's
//! "Reports" section lists them with these definitions).

use serde::Serialize;

use super::cells::Rollup;
use super::measures::{Counts, Measure};
use crate::time::Seconds;

/// How a metric is computed from an interval's measures.
#[derive(Clone, Copy, Debug)]
enum Formula {
    Count(Measure),
    /// The first minus the second.
    Difference(Measure, Measure),
    /// A sum of milliseconds, served as seconds.
    Time(Measure),
    /// A sum of milliseconds over a count, to the nearest millisecond; null over none.
    Average(Measure, Measure),
    /// A maximum of milliseconds, served as seconds; null when the count is zero.
    Maximum(Measure, Measure),
    /// A measure over a sum of (measure, sign); null when that is not positive.
    Ratio(Measure, &'static [(Measure, i64)]),
}

/// One metric a report can serve.
#[derive(Debug)]
pub struct Metric {
    /// Its name in `metrics=`, in JSON and in CSV headers.
    pub name: &'static str,
    /// What it counts, for the documentation.
    pub definition: &'static str,
    formula: Formula,
}

/// A metric's value in one interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Value {
    Count(i64),
    Time(Seconds),
    Ratio(Option<f64>),
}

impl Metric {
    pub fn value(&self, counts: &Counts) -> Value {
        match self.formula {
            Formula::Count(m) => Value::Count(counts.get(m)),
            Formula::Difference(a, b) => Value::Count(counts.get(a) - counts.get(b)),
            Formula::Time(m) => Value::Time(Seconds::from_millis(counts.get(m))),
            Formula::Average(sum, count) => {
                let n = counts.get(count);
                let average = (n > 0).then(|| {
                    let total = counts.get(sum);
                    Seconds::from_millis((2 * total + n).div_euclid(2 * n))
                });
                average.map_or(Value::Ratio(None), Value::Time)
            }
            Formula::Maximum(max, count) => match counts.get(count) {
                0 => Value::Ratio(None),
                _ => Value::Time(Seconds::from_millis(counts.get(max))),
            },
            Formula::Ratio(over, under) => {
                let denominator: i64 = under.iter().map(|(m, sign)| sign * counts.get(*m)).sum();
                let ratio = (denominator > 0).then(|| counts.get(over) as f64 / denominator as f64);
                Value::Ratio(ratio)
            }
        }
    }

    /// The measures it is computed from.
    pub fn measures(&self) -> Vec<Measure> {
        match self.formula {
            Formula::Count(m) | Formula::Time(m) => vec![m],
            Formula::Difference(a, b) | Formula::Average(a, b) | Formula::Maximum(a, b) => {
                vec![a, b]
            }
            Formula::Ratio(over, under) => std::iter::once(over)
                .chain(under.iter().map(|(m, _)| *m))
                .collect(),
        }
    }

    /// Whether the rollup keeps every measure it is computed from.
    pub fn kept_in(&self, rollup: Rollup) -> bool {
        let kept = rollup.measures();
        self.measures().iter().all(|m| kept.contains(m))
    }

    /// The metric named `name`.
    pub fn named(name: &str) -> Option<&'static Metric> {
        METRICS.iter().find(|m| m.name == name)
    }
}

use Formula::*;
use Measure::*;

const fn metric(name: &'static str, formula: Formula, definition: &'static str) -> Metric {
    Metric {
        name,
        definition,
        formula,
    }
}

/// Every metric, in the order reports list them.
pub const METRICS: &[Metric] = &[
    metric("offered", Count(Offered), "Queue entries that began (counted at entry)."),
    metric("answered", Count(Answered), "Queue entries an agent accepted (exit success), at the answer; per agent, the entries that agent accepted."),
    metric("answeredWithinSla", Count(AnsweredInSla), "Answered with queueTime ≤ slaThresholdSeconds."),
    metric("abandoned", Count(Abandoned), "Queue entries the customer left (exit abandon), at the abandon."),
    metric("shortAbandoned", Count(ShortAbandoned), "Abandoned with queueTime ≤ shortAbandonSeconds."),
    metric("abandonedWithinSla", Count(AbandonedInSla), "Abandoned with queueTime ≤ slaThresholdSeconds."),
    metric("abandonedAfterSla", Difference(Abandoned, AbandonedInSla), "abandoned − abandonedWithinSla."),
    metric("abandonRate", Ratio(Abandoned, &[(Offered, 1)]), "abandoned / offered (null when nothing was offered)."),
    metric("serviceLevel", Ratio(AnsweredInSla, &[(Answered, 1), (Abandoned, 1)]), "answeredWithinSla / (answered + abandoned): every abandon counts against."),
    metric("serviceLevelExcludingAbandons", Ratio(AnsweredInSla, &[(Answered, 1)]), "answeredWithinSla / answered."),
    metric("serviceLevelExcludingShortAbandons", Ratio(AnsweredInSla, &[(Answered, 1), (Abandoned, 1), (ShortAbandoned, -1)]), "answeredWithinSla / (answered + abandoned − shortAbandoned)."),
    metric("answerTime", Time(AnswerMs), "Sum of the answered entries' queueTime (seconds)."),
    metric("averageSpeedOfAnswer", Average(AnswerMs, Answered), "answerTime / answered."),
    metric("maxSpeedOfAnswer", Maximum(LongestAnswerMs, Answered), "The longest queueTime of an answered entry."),
    metric("queueTime", Time(QueueMs), "Sum of queueTime of the entries that exited (seconds), at the exit."),
    metric("averageQueueTime", Average(QueueMs, QueueExits), "queueTime / entries that exited."),
    metric("abandonTime", Time(AbandonMs), "Sum of the abandoned entries' queueTime (seconds)."),
    metric("averageAbandonTime", Average(AbandonMs, Abandoned), "abandonTime / abandoned."),
    metric("ivrTime", Time(IvrMs), "Sum of ivrTime, counted when the IVR stage ends (start + ivrTime)."),
    metric("averageIvrTime", Average(IvrMs, IvrCount), "ivrTime / interactions whose IVR stage ended."),
    metric("ivrOnly", Count(IvrOnly), "Inbound interactions that ended without a queue entry or an agent (self-service), at the end."),
    metric("started", Count(Started), "Interactions that started."),
    metric("ended", Count(Ended), "Interactions that ended; grouped by endReason, by the reason their interaction-ended event gave."),
    metric("handled", Count(Handled), "Agent allocations that ended (deallocation)."),
    metric("handleTime", Time(HandleMs), "Sum of the allocations' handleTime (allocation to deallocation), at the deallocation."),
    metric("averageHandleTime", Average(HandleMs, Handled), "handleTime / handled."),
    metric("talkTime", Time(TalkMs), "Sum of the allocations' talkTime (handleTime − holdTime; it includes after-contact work, as the record's does)."),
    metric("averageTalkTime", Average(TalkMs, Handled), "talkTime / handled."),
    metric("holdTime", Time(HoldMs), "Sum of hold time: the interaction's holds at their end; per agent, its allocations' holdTime at deallocation."),
    metric("holds", Count(Holds), "Holds: the interaction's at their start; per agent, its allocations' holds at deallocation."),
    metric("afterContactWorkTime", Time(AcwMs), "Sum over allocations of deallocation − the later of allocation and the customer leaving (customer disconnect, else the end): wrap-up."),
    metric("averageAfterContactWorkTime", Average(AcwMs, Handled), "afterContactWorkTime / handled."),
    metric("transfers", Count(Transfers), "Segments started by a transfer, at their start; per agent, those the agent started."),
    metric("consults", Count(Consults), "Segments started by add-participant (consults, conferences), at their start; per agent, those the agent started."),
    metric("outboundAttempts", Count(OutboundAttempts), "Outbound interactions that started."),
    metric("outboundConnects", Count(OutboundConnects), "Outbound interactions that reached an agent allocation, at the first allocation."),
];
