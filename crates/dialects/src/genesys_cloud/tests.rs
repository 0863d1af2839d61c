use serde_json::Value;

use super::*;

const FIXTURE: &str = include_str!("../../../../examples/imports/genesys-cloud.json");

fn fixture() -> Value {
    serde_json::from_str(FIXTURE).unwrap()
}

fn parse(conversation: &Value) -> Conversation {
    let tenant = TenantId::parse("acme").unwrap();
    parse_conversation(&tenant, conversation).unwrap_or_else(|e| panic!("{e}"))
}

fn stats(record: &Interaction) -> Value {
    serde_json::to_value(&record.statistics).unwrap()
}

#[test]
fn ivr_queue_hold_and_wrap_up_agree_with_the_metrics() {
    let document = fixture();
    let conversations = conversations(&document);
    assert_eq!(conversations.len(), 2);
    let Conversation { record, updated } = parse(conversations[0]);
    assert_eq!(updated, Timestamp::parse("2026-11-02T09:05:00Z").unwrap());
    let s = stats(&record);
    assert_eq!(s["ivrTime"], 30, "{s}");
    assert_eq!(s["queueTime"], 20, "tAcd");
    assert_eq!(s["holdTime"], 60, "tHeld");
    assert_eq!(s["handleTime"], 310, "tHandle");
    assert_eq!(s["talkTime"], 250, "tTalk + tAcw");
    assert_eq!(
        record.customer.as_ref().unwrap().address.as_deref(),
        Some("+15555550100")
    );
    assert_eq!(record.contact_point.as_deref(), Some("+15555550199"));
    assert!(
        record.customer_disconnect_timestamp.is_some(),
        "the customer hung up"
    );
    assert_eq!(record.agents[0].agent_name.as_deref(), Some("Ann Agent"));
    let code = record.disposition.as_ref().and_then(|d| d.id.as_deref());
    assert_eq!(code, Some("7fb334b0-0e9e-11e4-9191-0800200c9a66"));
    assert_eq!(record.extensions["genesysCloud.agent.tHandle"], 310000);
    assert!(!record.flagged, "{:?}", record.flags);
}

#[test]
fn an_abandon_in_queue_agrees_with_t_abandon() {
    let document = fixture();
    let record = parse(conversations(&document)[1]).record;
    assert!(record.queues[0].queue_abandoned);
    assert_eq!(
        record.queues[0].queue_time.map(|t| t.whole_seconds()),
        Some(50)
    );
    assert!(!record.flagged, "{:?}", record.flags);
}

#[test]
fn a_disagreeing_metric_is_flagged_not_hidden() {
    let mut conversation = conversations(&fixture())[0].clone();
    conversation["participants"][3]["sessions"][0]["metrics"][5]["value"] = 400000.into();
    let record = parse(&conversation).record;
    let flag = record
        .flags
        .iter()
        .find(|f| f.code == "source-metric-disagrees");
    let message = flag.map(|f| f.message.as_str()).unwrap_or_default();
    assert!(
        message.contains("tHandle is 400000 ms") && message.contains("310000 ms"),
        "{:?}",
        record.flags
    );
    assert_eq!(
        record.statistics.handle_time.whole_seconds(),
        310,
        "ours stays ours"
    );
}

#[test]
fn a_bad_conversation_names_its_field() {
    let tenant = TenantId::parse("acme").unwrap();
    let mut conversation = conversations(&fixture())[0].clone();
    conversation["participants"][3]["sessions"][0]["segments"][1]["segmentStart"] = "soon".into();
    let error = parse_conversation(&tenant, &conversation).err().unwrap();
    assert_eq!(
        error.field,
        "participants[3].sessions[0].segments[1].segmentStart"
    );
}
