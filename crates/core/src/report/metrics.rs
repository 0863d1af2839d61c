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
    /// Whether it is kept per agent (otherwise only in queue, channel and direction reports).
    pub per_agent: bool,
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
            Formula::Difference(a, b) | Formula::Average(a, b) => vec![a, b],
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

const fn metric(
    name: &'static str,
    per_agent: bool,
    formula: Formula,
    definition: &'static str,
) -> Metric {
    Metric {
        name,
        definition,
        per_agent,
        formula,
    }
}

/// Every metric, in the order reports list them.
pub const METRICS: &[Metric] = &[
    metric("offered", false, Count(Offered), "Queue entries that began (counted at entry)."),
    metric("answered", true, Count(Answered), "Queue entries an agent accepted (exit success), at the answer; per agent, the entries that agent accepted."),
    metric("answeredWithinSla", true, Count(AnsweredInSla), "Answered with queueTime ≤ slaThresholdSeconds."),
    metric("abandoned", false, Count(Abandoned), "Queue entries the customer left (exit abandon), at the abandon."),
    metric("shortAbandoned", false, Count(ShortAbandoned), "Abandoned with queueTime ≤ shortAbandonSeconds."),
    metric("abandonedWithinSla", false, Count(AbandonedInSla), "Abandoned with queueTime ≤ slaThresholdSeconds."),
    metric("abandonedAfterSla", false, Difference(Abandoned, AbandonedInSla), "abandoned − abandonedWithinSla."),
    metric("abandonRate", false, Ratio(Abandoned, &[(Offered, 1)]), "abandoned / offered (null when nothing was offered)."),
    metric("serviceLevel", false, Ratio(AnsweredInSla, &[(Answered, 1), (Abandoned, 1)]), "answeredWithinSla / (answered + abandoned): every abandon counts against."),
    metric("serviceLevelExcludingAbandons", true, Ratio(AnsweredInSla, &[(Answered, 1)]), "answeredWithinSla / answered."),
    metric("serviceLevelExcludingShortAbandons", false, Ratio(AnsweredInSla, &[(Answered, 1), (Abandoned, 1), (ShortAbandoned, -1)]), "answeredWithinSla / (answered + abandoned − shortAbandoned)."),
    metric("answerTime", true, Time(AnswerMs), "Sum of the answered entries' queueTime (seconds)."),
    metric("averageSpeedOfAnswer", true, Average(AnswerMs, Answered), "answerTime / answered."),
    metric("queueTime", false, Time(QueueMs), "Sum of queueTime of the entries that exited (seconds), at the exit."),
    metric("averageQueueTime", false, Average(QueueMs, QueueExits), "queueTime / entries that exited."),
    metric("abandonTime", false, Time(AbandonMs), "Sum of the abandoned entries' queueTime (seconds)."),
    metric("averageAbandonTime", false, Average(AbandonMs, Abandoned), "abandonTime / abandoned."),
    metric("ivrTime", false, Time(IvrMs), "Sum of ivrTime, counted when the IVR stage ends (start + ivrTime)."),
    metric("averageIvrTime", false, Average(IvrMs, IvrCount), "ivrTime / interactions whose IVR stage ended."),
    metric("ivrOnly", false, Count(IvrOnly), "Inbound interactions that ended without a queue entry or an agent (self-service), at the end."),
    metric("started", false, Count(Started), "Interactions that started."),
    metric("ended", false, Count(Ended), "Interactions that ended; grouped by endReason, by the reason their interaction-ended event gave."),
    metric("handled", true, Count(Handled), "Agent allocations that ended (deallocation)."),
    metric("handleTime", true, Time(HandleMs), "Sum of the allocations' handleTime (allocation to deallocation), at the deallocation."),
    metric("averageHandleTime", true, Average(HandleMs, Handled), "handleTime / handled."),
    metric("talkTime", true, Time(TalkMs), "Sum of the allocations' talkTime (handleTime − holdTime; it includes after-contact work, as the record's does)."),
    metric("averageTalkTime", true, Average(TalkMs, Handled), "talkTime / handled."),
    metric("holdTime", true, Time(HoldMs), "Sum of hold time: the interaction's holds at their end; per agent, its allocations' holdTime at deallocation."),
    metric("holds", true, Count(Holds), "Holds: the interaction's at their start; per agent, its allocations' holds at deallocation."),
    metric("afterContactWorkTime", true, Time(AcwMs), "Sum over allocations of deallocation − the later of allocation and the customer leaving (customer disconnect, else the end): wrap-up."),
    metric("averageAfterContactWorkTime", true, Average(AcwMs, Handled), "afterContactWorkTime / handled."),
    metric("transfers", true, Count(Transfers), "Segments started by a transfer, at their start; per agent, those the agent started."),
    metric("consults", true, Count(Consults), "Segments started by add-participant (consults, conferences), at their start; per agent, those the agent started."),
    metric("outboundAttempts", false, Count(OutboundAttempts), "Outbound interactions that started."),
    metric("outboundConnects", false, Count(OutboundConnects), "Outbound interactions that reached an agent allocation, at the first allocation."),
];
