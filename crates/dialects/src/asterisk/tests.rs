use interlog_core::{parse_event, project, InteractionId, TenantId};

use super::*;

const LOG: &str = include_str!("../../../../examples/imports/asterisk-queue_log");

/// The fixture's calls projected: (call id, record).
fn calls() -> Vec<(String, interlog_core::Interaction)> {
    let mut events = Vec::new();
    for line in LOG.lines() {
        if let Line::Call(raw) = parse_line(line).unwrap_or_else(|e| panic!("{line}: {e}")) {
            events.extend(
                raw.into_iter()
                    .map(|e| parse_event(e).unwrap_or_else(|e| panic!("{e}"))),
            );
        }
    }
    let tenant = TenantId::parse("acme").unwrap();
    let mut ids: Vec<String> = events
        .iter()
        .map(|e| e.interaction_id.as_str().to_string())
        .collect();
    ids.dedup();
    ids.into_iter()
        .map(|id| {
            let own: Vec<_> = events
                .iter()
                .filter(|e| e.interaction_id.as_str() == id)
                .cloned()
                .collect();
            let record = project(&tenant, &InteractionId::parse(id.clone()).unwrap(), &own);
            (id, record)
        })
        .collect()
}

fn stats(record: &interlog_core::Interaction) -> serde_json::Value {
    serde_json::to_value(&record.statistics).unwrap()
}

#[test]
fn an_answered_call_waits_rings_and_completes() {
    let (_, call) = &calls()[0];
    assert_eq!(
        call.customer.as_ref().unwrap().address.as_deref(),
        Some("5551234")
    );
    assert_eq!(call.attributes["did"], "5551000");
    assert_eq!(
        call.attributes["ringNoAnswer.SIP/1001"], 12000,
        "rang, no allocation"
    );
    assert_eq!(call.agents.len(), 1);
    assert_eq!(call.agents[0].agent_id.as_str(), "SIP/1002");
    // CONNECT's holdtime (20 s) is the queue wait; 180 s of talk follow.
    assert_eq!(stats(call)["queueTime"], 20);
    assert_eq!(
        call.agents[0].handle_time.map(|t| t.whole_seconds()),
        Some(180)
    );
    assert_eq!(call.end_reason.as_deref(), Some("completecaller"));
    assert!(call.customer_disconnect_timestamp.is_some());
    assert!(!call.flagged, "{:?}", call.flags);
}

#[test]
fn an_abandon_a_timeout_and_a_transfer() {
    let calls = calls();
    let abandon = &calls[1].1;
    assert!(abandon.queues[0].queue_abandoned);
    assert_eq!(
        abandon.queues[0].queue_time.map(|t| t.whole_seconds()),
        Some(45)
    );
    let timeout = &calls[2].1;
    assert_eq!(
        timeout.queues[0].queue_exit_type.map(|e| format!("{e:?}")),
        Some("Timeout".into())
    );
    assert_eq!(timeout.end_reason.as_deref(), Some("exitwithtimeout"));
    let transfer = &calls[3].1;
    assert_eq!(stats(transfer)["transfers"], 1);
    assert_eq!(transfer.attributes["transferredTo"], "2000@from-internal");
    assert_eq!(
        transfer.agents[0].handle_time.map(|t| t.whole_seconds()),
        Some(90)
    );
    let agent_hung_up = &calls[4].1;
    assert_eq!(agent_hung_up.end_reason.as_deref(), Some("completeagent"));
    assert!(agent_hung_up.customer_disconnect_timestamp.is_none());
}

#[test]
fn lines_without_a_call_are_skipped_and_bad_ones_named() {
    assert_eq!(
        parse_line("1764406800|NONE|NONE|NONE|QUEUESTART|").ok(),
        Some(Line::Skipped)
    );
    assert_eq!(
        parse_line("1764406800|c1|q|SIP/1|UNKNOWNEVENT|x").ok(),
        Some(Line::Skipped)
    );
    let error = |line: &str| parse_line(line).err().map(|e| e.field);
    assert_eq!(
        error("yesterday|c1|q|NONE|ENTERQUEUE||1|1"),
        Some("epoch".into())
    );
    assert_eq!(error("1764406800|c1"), Some("line".into()));
}

#[test]
fn reading_a_line_again_gives_the_same_events() {
    let line = "1764407020|1764407000.11|support|SIP/1002|CONNECT|20|1764407020.15|8";
    assert_eq!(parse_line(line).ok(), parse_line(line).ok());
}

const CEL: &str = include_str!("../../../../examples/imports/asterisk-cel.csv");

#[test]
fn a_transferred_call_in_cel_is_one_interaction() {
    let mut reader = cel::Reader::default();
    let mut calls = Vec::new();
    for line in CEL.lines() {
        calls.extend(reader.line(line).unwrap_or_else(|e| panic!("{line}: {e}")));
    }
    assert!(reader.unfinished().is_empty());
    assert_eq!(calls.len(), 1, "one linkedid");
    let tenant = TenantId::parse("acme").unwrap();
    let (call, at) = cel::parse_call(&tenant, &calls[0]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        at,
        interlog_core::Timestamp::parse("2026-11-02T09:06:30.500Z").unwrap()
    );
    assert_eq!(
        call.customer.as_ref().unwrap().address.as_deref(),
        Some("+15555550100")
    );
    assert_eq!(call.contact_point.as_deref(), Some("5550199"));
    let s = stats(&call);
    assert_eq!(s["transfers"], 1, "{s}");
    assert_eq!(s["queueTime"], 20, "queued 09:00:05, answered 09:00:25");
    let agents: Vec<&str> = call.agents.iter().map(|a| a.agent_id.as_str()).collect();
    assert_eq!(agents, ["SIP/1001", "SIP/1002"]);
    assert_eq!(
        call.agents[0].handle_time.map(|t| t.whole_seconds()),
        Some(120)
    );
    assert_eq!(
        call.agents[1].handle_time.map(|t| t.whole_seconds()),
        Some(241)
    );
    assert!(
        call.customer_disconnect_timestamp.is_some(),
        "the caller hung up"
    );
    assert_eq!(call.status, interlog_core::record::Status::Ended);
}

#[test]
fn a_cel_file_without_a_header_is_refused_naming_it() {
    let mut reader = cel::Reader::default();
    let error = reader
        .line("CHAN_START,1764407000.1,SIP/1-1")
        .err()
        .map(|e| e.field);
    assert_eq!(error, Some("header".into()));
}
