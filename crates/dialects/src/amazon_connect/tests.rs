use serde_json::Value;

use super::*;

const FIXTURE: &str = include_str!("../../../../examples/imports/amazon-connect.ndjson");

fn contacts() -> Vec<Value> {
    FIXTURE
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn parse(n: usize) -> Contact {
    let tenant = TenantId::parse("acme").unwrap();
    parse_contact(&tenant, &contacts()[n]).unwrap_or_else(|e| panic!("{e}"))
}

fn seconds(record: &Interaction) -> Value {
    serde_json::to_value(&record.statistics).unwrap()
}

#[test]
fn an_answered_call_is_told_as_its_timeline() {
    let Contact { record, updated } = parse(0);
    assert_eq!(updated, Timestamp::parse("2026-11-02T09:08:05Z").unwrap());
    assert_eq!(
        record.interaction_id.as_str(),
        "6f2b1c3d-0001-4a5b-8c9d-0e1f2a3b4c5d"
    );
    assert_eq!(
        record.customer.as_ref().unwrap().address.as_deref(),
        Some("+15555550100")
    );
    assert_eq!(record.contact_point.as_deref(), Some("+15555550199"));
    assert_eq!(record.attributes["orderNumber"], "A-1001");
    assert_eq!(record.end_reason.as_deref(), Some("CUSTOMER_DISCONNECT"));
    let queue = &record.queues[0];
    assert_eq!(
        queue.queue_id.as_deref(),
        Some("5f1e0c3a-2222-4b1d-8c6e-1a2b3c4d5e6f")
    );
    assert_eq!(queue.queue_name.as_deref(), Some("Support"));
    let stats = seconds(&record);
    // Connect's own figures: Queue.Duration 15, AgentInteractionDuration 305 (+ ACW 120).
    assert_eq!(stats["queueTime"], 15, "{stats}");
    assert_eq!(stats["ivrTime"], 40, "{stats}");
    assert_eq!(
        record.agents[0].handle_time.map(|h| h.whole_seconds()),
        Some(425)
    );
    assert_eq!(stats["customerConversationTime"], 305, "{stats}");
    assert_eq!(record.recordings.len(), 1);
    assert_eq!(
        record.extensions["amazonConnect.Agent.CustomerHoldDuration"],
        60
    );
    let flag = record
        .flags
        .iter()
        .find(|f| f.code == "source-holds-without-times");
    assert!(
        flag.is_some_and(|f| f.message.contains("2 holds (60 s)")),
        "{:?}",
        record.flags
    );
}

#[test]
fn the_earlier_update_of_a_contact_is_older() {
    let earlier = parse(3);
    let later = parse(0);
    assert_eq!(earlier.record.interaction_id, later.record.interaction_id);
    assert!(earlier.updated < later.updated);
    assert_eq!(
        earlier.record.agents[0]
            .handle_time
            .map(|h| h.whole_seconds()),
        Some(305),
        "without the after-contact work's end, the agent is free at the contact's end"
    );
}

#[test]
fn a_transfer_chain_stays_linked() {
    let first = parse(1).record;
    let second = parse(4).record;
    assert_eq!(seconds(&first)["transfers"], 1);
    assert_eq!(
        second.parent_id.as_deref(),
        Some(first.interaction_id.as_str())
    );
    let initial = &second.external_ids["amazonConnectInitialContactId"];
    assert_eq!(initial, first.interaction_id.as_str());
    assert_eq!(
        first.external_ids["amazonConnectNextContactId"],
        second.interaction_id.as_str()
    );
    assert_eq!(second.queues[0].queue_id.as_deref(), Some("billing-0003"));
    assert_eq!(second.agents[0].agent_id.as_str(), "cat");
}

#[test]
fn an_abandon_in_queue_is_an_abandon() {
    let record = parse(2).record;
    assert!(record.agents.is_empty());
    assert!(record.queues[0].queue_abandoned);
    assert_eq!(
        record.queues[0].queue_time.map(|t| t.whole_seconds()),
        Some(60)
    );
    let chat = parse(5).record;
    assert_eq!(chat.channel_type.map(|c| c.as_str()), Some("chat"));
    assert!(chat.customer.is_none());
}

#[test]
fn a_bad_record_names_its_field() {
    let tenant = TenantId::parse("acme").unwrap();
    let mut ctr = contacts()[0].clone();
    ctr["Channel"] = "FAX".into();
    assert_eq!(
        parse_contact(&tenant, &ctr).err().map(|e| e.field),
        Some("Channel".into())
    );
    let mut ctr = contacts()[0].clone();
    ctr["Agent"]["ConnectedToAgentTimestamp"] = "yesterday".into();
    let field = parse_contact(&tenant, &ctr).err().map(|e| e.field);
    assert_eq!(field, Some("Agent.ConnectedToAgentTimestamp".into()));
    let missing = serde_json::json!({"InitiationTimestamp": "2026-11-02T09:00:00Z"});
    assert_eq!(
        parse_contact(&tenant, &missing).err().map(|e| e.field),
        Some("ContactId".into())
    );
}
