use serde_json::{json, Value};

use super::*;
use crate::event::parse_event;
use crate::ids::{InteractionId, TenantId};
use crate::settings::TimeZone;
use crate::time::{Seconds, Timestamp};
use crate::{project, Interaction};

/// A record of interaction `id` from (type, "HH:MM:SS" on 2026-11-02 UTC, fields).
fn record(id: &str, specs: &[(&str, &str, Value)]) -> Interaction {
    let events: Vec<_> = (specs.iter().enumerate())
        .map(|(n, (kind, at, extra))| {
            let mut raw = json!({"eventId": format!("{id}-{n}"), "type": kind,
                "interactionId": id, "timestamp": format!("2026-11-02T{at}.000Z")});
            let fields = extra.as_object().cloned().unwrap_or_default();
            raw.as_object_mut().unwrap().extend(fields);
            parse_event(raw).unwrap()
        })
        .collect();
    let tenant = TenantId::parse("acme").unwrap();
    project(&tenant, &InteractionId::parse(id).unwrap(), &events)
}

/// Answered in 15 s, held a minute, wrapped up two minutes after the customer left.
fn answered_call() -> Interaction {
    let voice = json!({"channelType": "voice", "direction": "inbound"});
    record(
        "call-a",
        &[
            ("interaction-started", "09:00:00", voice),
            ("queue-entered", "09:00:30", json!({"queueId": "support"})),
            (
                "agent-allocated",
                "09:00:45",
                json!({"agentId": "alice", "queueId": "support"}),
            ),
            ("hold-started", "09:02:00", json!({"agentId": "alice"})),
            ("hold-ended", "09:03:00", json!({"agentId": "alice"})),
            ("customer-disconnected", "09:05:00", json!({})),
            ("interaction-ended", "09:05:10", json!({})),
            ("agent-deallocated", "09:07:00", json!({"agentId": "alice"})),
        ],
    )
}

fn totals(contribution: &Contribution, agent: &str) -> Counts {
    let mut sum = Counts::default();
    for (cell, counts) in contribution.cells().filter(|(c, _)| c.agent == agent) {
        assert_eq!(cell.bucket_ms % BUCKET_MS, 0);
        sum += counts;
    }
    sum
}

#[test]
fn a_record_contributes_its_own_statistics() {
    let record = answered_call();
    let contribution = Contribution::of(&record, Thresholds::default());
    let all = totals(&contribution, "");
    let stats = &record.statistics;
    assert_eq!(all.get(Measure::HandleMs), stats.handle_time.millis());
    assert_eq!(all.get(Measure::TalkMs), stats.talk_time.millis());
    assert_eq!(all.get(Measure::HoldMs), stats.hold_time.millis());
    assert_eq!(all.get(Measure::QueueMs), stats.queue_time.millis());
    assert_eq!(all.get(Measure::IvrMs), stats.ivr_time.unwrap().millis());
    assert_eq!(all.get(Measure::AcwMs), 120_000, "09:05:00 to 09:07:00");
    assert_eq!(
        (all.get(Measure::Answered), all.get(Measure::AnsweredInSla)),
        (1, 1)
    );
    let alice = totals(&contribution, "alice");
    assert_eq!(alice.get(Measure::HandleMs), 375_000);
    assert_eq!(alice.get(Measure::Holds), 1);
    assert_eq!(alice.get(Measure::Offered), 0, "offers are not an agent's");
    let strict = Thresholds {
        sla: Seconds::from_secs(10),
        short_abandon: Seconds::ZERO,
    };
    let strict = totals(&Contribution::of(&record, strict), "");
    assert_eq!(strict.get(Measure::AnsweredInSla), 0, "15 s is over 10 s");
}

#[test]
fn a_contribution_survives_its_stored_text() {
    let contribution = Contribution::of(&answered_call(), Thresholds::default());
    let text = contribution.encode();
    assert_eq!(Contribution::decode(&text).unwrap(), contribution);
    assert!(Contribution::decode("[[1,\"\",\"\",\"\",\"\",[[99,1]]]]").is_err());
}

#[test]
fn a_report_sums_buckets_into_intervals_and_renders_them() {
    let at = |raw: &str| Timestamp::parse(raw).unwrap();
    let zone = TimeZone::parse("Europe/Paris").unwrap();
    let plan = Plan::new(
        at("2026-11-02T08:00:00Z"),
        at("2026-11-02T10:00:00Z"),
        Granularity::Hour,
        zone,
    )
    .unwrap();
    let request = ReportRequest {
        plan,
        group: vec![Dimension::Queue],
        filters: vec![],
        metrics: vec![
            Metric::named("answered").unwrap(),
            Metric::named("serviceLevel").unwrap(),
        ],
    };
    let contribution = Contribution::of(&answered_call(), Thresholds::default());
    let rows = (contribution.cells())
        .filter(|(cell, _)| cell.agent.is_empty())
        .map(|(cell, counts)| RollupRow {
            bucket_ms: cell.bucket_ms,
            group: vec![cell.queue.clone()],
            counts: counts.only(&request.scan(TimeZone::UTC).measures),
        })
        .collect();
    let report = request.assemble(rows);
    let json = serde_json::to_value(Rendered {
        request: &request,
        report: &report,
    })
    .unwrap();
    assert_eq!(json["from"], "2026-11-02T09:00:00+01:00");
    let support = (json["rows"].as_array().unwrap().iter())
        .find(|r| r["queue"] == "support" && r["answered"] == 1)
        .expect("the answer is in the 10:00 hour, Paris time");
    assert_eq!(support["intervalStart"], "2026-11-02T10:00:00+01:00");
    assert_eq!(support["serviceLevel"], 1.0);
    let csv = request.csv(&report);
    assert!(csv.starts_with("intervalStart,intervalEnd,queue,answered,serviceLevel\r\n"));
    assert!(csv.contains("2026-11-02T10:00:00+01:00,2026-11-02T11:00:00+01:00,support,1,1.0\r\n"));
}

#[test]
fn the_readme_defines_every_metric() {
    let readme = include_str!("../../../../README.md");
    for metric in METRICS {
        let row = format!("| `{}` |", metric.name);
        let line = (readme.lines().find(|l| l.starts_with(&row)))
            .unwrap_or_else(|| panic!("README has no row for {}", metric.name));
        assert!(
            line.ends_with(&format!("{} |", metric.definition)),
            "{line}"
        );
        let per_agent = if metric.kept_in(Rollup::Agents) {
            "yes"
        } else {
            ""
        };
        assert!(line.starts_with(&format!("{row} {per_agent} |")), "{line}");
    }
}

#[test]
fn a_change_keeps_each_longest_answer_and_marks_what_may_shrink() {
    let answered = Contribution::of(&answered_call(), Thresholds::default());
    let mut first = Change::default();
    first.replace("call-a", None, &answered);
    let waits: Vec<_> = (first.answers.iter())
        .map(|(cell, _, wait)| (cell.agent.as_str(), *wait))
        .collect();
    assert_eq!(waits, [("", Some(15_000)), ("alice", Some(15_000))]);
    assert!(first.stale.is_empty(), "nothing left");
    let support = first
        .deltas
        .iter()
        .find(|(c, d)| c.agent.is_empty() && d.get(Measure::Answered) == 1);
    assert_eq!(support.unwrap().1.get(Measure::LongestAnswerMs), 15_000);

    let mut same = Change::default();
    same.replace("call-a", Some(&answered), &answered);
    assert_eq!(
        same,
        Change::default(),
        "an unchanged contribution changes nothing"
    );

    let mut gone = Change::default();
    gone.replace("call-a", Some(&answered), &Contribution::default());
    assert_eq!(gone.stale.len(), 2, "the totals' cell and alice's");
    assert!(gone
        .answers
        .iter()
        .all(|(_, id, wait)| id == "call-a" && wait.is_none()));
    assert!(gone.deltas.values().all(|d| d.get(Measure::Answered) <= 0));
}

#[test]
fn changes_fold_into_one_that_applies_both_and_survive_their_stored_text() {
    let answered = Contribution::of(&answered_call(), Thresholds::default());
    let mut entered = Change::default();
    entered.replace("call-a", None, &answered);
    let mut left = Change::default();
    left.replace("call-a", Some(&answered), &Contribution::default());
    let text = left.encode();
    assert_eq!(Change::decode(&text).unwrap(), left);
    assert!(Change::decode("[1]").is_err());

    let mut both = entered.clone();
    both.absorb(left.clone());
    let sums = |change: &Change| -> Vec<Counts> {
        let mut sums: Vec<Counts> = change.deltas.values().copied().collect();
        for counts in &mut sums {
            counts.0[Measure::LongestAnswerMs as usize] = 0;
        }
        sums
    };
    assert!(sums(&both).iter().all(Counts::is_zero), "what entered left");
    assert!(!both.is_empty(), "its longest waits are stale");
    assert_eq!(both.stale, left.stale);
    let latest: Vec<_> = both.latest_answers().cloned().collect();
    assert_eq!(latest, left.answers, "the later answer of a cell stands");

    let mut again = left.clone();
    again.absorb(entered.clone());
    assert!(sums(&again).iter().all(Counts::is_zero));
    let latest: Vec<_> = again.latest_answers().cloned().collect();
    assert_eq!(latest, entered.answers, "kept again");
    assert_eq!(again.stale, left.stale, "and recomputed");
    assert!(Change::default().is_empty());
}
