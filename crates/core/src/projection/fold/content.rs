//! Events that add content or data to the record without touching its timeline.

use sha2::{Digest, Sha256};

use crate::event::{
    ContentAdded, Event, EventBody, FlowStepEvent, HookLinked, MessageEvent, NoteAdded,
};
use crate::record::{
    Attributes, Binary, BinaryKind, FlowStep, Hook, Interaction, Message, Note, Recording,
    StructuredText,
};

pub(super) fn apply(rec: &mut Interaction, e: &Event) {
    match &e.body {
        EventBody::FlowStep(step) => add_flow_step(rec, step, e),
        // Messages are the fold's own (`Transcript`): it indexes them by id.
        EventBody::NoteAdded(n) => add_note(rec, n, e),
        EventBody::DispositionSet(d) => rec.disposition = Some(d.disposition.clone()),
        EventBody::CsatSet(c) => rec.csat = Some(c.csat),
        EventBody::AttributesSet(a) => merge_attributes(&mut rec.attributes, &a.attributes),
        EventBody::CallerKeysSet(k) => rec.caller_keys.merge(&k.caller_keys),
        EventBody::HookLinked(h) => add_hook(rec, h, e),
        EventBody::ContentAdded(c) => add_content(rec, c, e),
        EventBody::RecordingAdded(r) => rec.recordings.push(Recording {
            url: r.url.clone(),
            start_timestamp: r.start_timestamp,
            duration: r.duration,
        }),
        // Timeline events are the fold's own; they never reach here.
        _ => {}
    }
}

/// Merges `update` into `target`; a null value removes the key.
pub(super) fn merge_attributes(target: &mut Attributes, update: &Attributes) {
    for (key, value) in update {
        if value.is_null() {
            target.remove(key);
        } else {
            target.insert(key.clone(), value.clone());
        }
    }
}

/// Replaces the item with the same id, or appends.
fn upsert<T>(items: &mut Vec<T>, item: T, same: impl Fn(&T, &T) -> bool) {
    match items.iter_mut().find(|existing| same(existing, &item)) {
        Some(existing) => *existing = item,
        None => items.push(item),
    }
}

fn add_flow_step(rec: &mut Interaction, step: &FlowStepEvent, e: &Event) {
    for (set, variables) in &step.variables {
        merge_attributes(rec.variable_sets.entry(set.clone()).or_default(), variables);
    }
    rec.flow_steps.push(FlowStep {
        step_id: step.step_id.clone(),
        title: step.title.clone(),
        header: step.header.clone(),
        footer: step.footer.clone(),
        choices: step.choices.clone(),
        photos: step.photos.clone(),
        timestamp: e.timestamp,
    });
}

/// The transcript message an event says.
pub(super) fn message(m: &MessageEvent, e: &Event) -> Message {
    Message {
        message_id: m
            .message_id
            .clone()
            .unwrap_or_else(|| e.event_id.to_string()),
        timestamp: e.timestamp,
        participant: m.participant,
        text: m.text.clone(),
        channel: m.channel.clone(),
        agent: m.agent.clone(),
        sentiment: m.sentiment.clone(),
        intent: m.intent.clone(),
        intent_confidence: m.intent_confidence,
        intent_is_fallback: m.intent_is_fallback,
        source_system: m.source_system.clone(),
        recording_index: m.recording_index,
        message_index: m.message_index,
        start_offset: m.start_offset,
        end_offset: m.end_offset,
        transcription_type: m.transcription_type.clone(),
    }
}

fn add_note(rec: &mut Interaction, n: &NoteAdded, e: &Event) {
    let note = Note {
        note_id: n.note_id.clone().unwrap_or_else(|| e.event_id.to_string()),
        text: n.text.clone(),
        agent_id: n.agent_id.clone(),
        timestamp: e.timestamp,
    };
    upsert(&mut rec.notes, note, |a, b| a.note_id == b.note_id);
}

fn add_hook(rec: &mut Interaction, h: &HookLinked, e: &Event) {
    let hook = Hook {
        interaction_hook_id: Some(
            h.interaction_hook_id
                .clone()
                .unwrap_or_else(|| e.event_id.to_string()),
        ),
        hook_type: h.hook_type.clone(),
        hook_sub_type: h.hook_sub_type.clone(),
        hook_id: h.hook_id.clone(),
        hook_name: h.hook_name.clone(),
        hooked_by: h.hooked_by.clone(),
        agent_id: h.agent_id.clone(),
        timestamp: Some(e.timestamp),
    };
    upsert(&mut rec.hooks, hook, |a, b| {
        a.interaction_hook_id == b.interaction_hook_id
    });
}

fn add_content(rec: &mut Interaction, c: &ContentAdded, e: &Event) {
    if let Some(text) = &c.text {
        match c.mime.as_deref() {
            None | Some("text/plain") => rec.content.plain_text = Some(text.clone()),
            Some(mime) => {
                rec.content.structured_text = Some(StructuredText {
                    mime: mime.into(),
                    body: text.clone(),
                })
            }
        }
        return;
    }
    // parse_event guarantees a binary has a mime type, a content id, and either valid
    // base64 data or an uploaded binary's size and sha256.
    let (size, sha256) = match c.decoded_data() {
        Some(bytes) => (bytes.len() as u64, format!("{:x}", Sha256::digest(&bytes))),
        None => (
            c.size.unwrap_or_default(),
            c.sha256.clone().unwrap_or_default(),
        ),
    };
    let binary = Binary {
        content_id: c
            .content_id
            .clone()
            .unwrap_or_else(|| e.event_id.to_string()),
        kind: c.kind.unwrap_or(BinaryKind::Attachment),
        mime: c
            .mime
            .clone()
            .unwrap_or_else(|| "application/octet-stream".into()),
        name: c.name.clone(),
        size,
        sha256,
    };
    upsert(&mut rec.content.binaries, binary, |a, b| {
        a.content_id == b.content_id
    });
}
