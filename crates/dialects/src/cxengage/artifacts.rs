//! An interaction's artifacts and notes, as CxEngage's SDK reads them
//! (`GET .../interactions/{id}/artifacts`, `.../artifacts/{artifactId}`,
//! `.../interactions/{id}/notes?contents=true`).
//!
//! The vendor reference gives only `results[].artifactId` and `results[].artifactType`; the
//! rest is Interlog's choice (UNCONFIRMED), in the vendor's naming:
//! - lists are `{tenantId, interactionId, total, results}`;
//! - an artifact is `{artifactId, artifactType, interactionId, tenantId, created}`, and
//!   alone it adds `files` (`{fileId, filename, contentType, size, sha256, url,
//!   startTimestamp, duration}`, nulls left out) and, for the transcript, `transcript`;
//! - the artifacts: each recording (`audio-recording`, id `recording-<n>` from 0, its file
//!   the recording's own URL), the transcript (`messaging-transcript`, id
//!   `messaging-transcript`, its messages as the document's `messagingTranscript` renders
//!   them) and each stored binary (`content-<contentId>`: `audio-recording` for a recording,
//!   `attachment` for a photo or attachment, its file the native content route's URL, which
//!   the caller supplies: the vendor documents no route of its own for the bytes);
//! - a note is the document's `{noteId, agentId, timestamp}`, with `text` when `contents`.

use interlog_core::record::{Binary, BinaryKind, Interaction, Recording};
use serde_json::{json, Value};

use super::render::{object, render_message, render_note};

/// The transcript's artifact id.
const TRANSCRIPT: &str = "messaging-transcript";

/// What an artifact holds.
enum Holds<'a> {
    Recording(&'a Recording),
    Transcript,
    Binary(&'a Binary),
}

/// One artifact of the record: its id, type and what it holds.
struct Artifact<'a> {
    id: String,
    kind: &'static str,
    holds: Holds<'a>,
}

fn artifacts(rec: &Interaction) -> Vec<Artifact<'_>> {
    let recordings = rec.recordings.iter().enumerate().map(|(n, r)| Artifact {
        id: format!("recording-{n}"),
        kind: "audio-recording",
        holds: Holds::Recording(r),
    });
    let transcript = (!rec.messages.is_empty()).then(|| Artifact {
        id: TRANSCRIPT.into(),
        kind: TRANSCRIPT,
        holds: Holds::Transcript,
    });
    let binaries = rec.content.binaries.iter().map(|b| Artifact {
        id: format!("content-{}", b.content_id),
        kind: match b.kind {
            BinaryKind::Recording => "audio-recording",
            BinaryKind::Photo | BinaryKind::Attachment => "attachment",
        },
        holds: Holds::Binary(b),
    });
    recordings.chain(transcript).chain(binaries).collect()
}

fn summary(rec: &Interaction, artifact: &Artifact) -> Vec<(&'static str, Value)> {
    let created = match artifact.holds {
        Holds::Recording(r) => r.start_timestamp,
        Holds::Transcript => rec.messages.first().map(|m| m.timestamp),
        Holds::Binary(_) => None,
    };
    vec![
        ("artifactId", json!(artifact.id)),
        ("artifactType", json!(artifact.kind)),
        ("interactionId", json!(rec.interaction_id)),
        ("tenantId", json!(rec.tenant_id)),
        ("created", json!(created)),
    ]
}

fn envelope(rec: &Interaction, results: Vec<Value>) -> Value {
    json!({
        "tenantId": rec.tenant_id, "interactionId": rec.interaction_id,
        "total": results.len(), "results": results,
    })
}

/// The record's artifacts, without their files.
pub fn render_artifact_list(rec: &Interaction) -> Value {
    let results = artifacts(rec)
        .iter()
        .map(|a| object(summary(rec, a), false))
        .collect();
    envelope(rec, results)
}

/// One artifact with its files, or `None` for an id the record has no artifact for;
/// `content_url` gives the URL of a stored binary's bytes from its content id.
pub fn render_artifact(
    rec: &Interaction,
    artifact_id: &str,
    content_url: impl Fn(&str) -> String,
) -> Option<Value> {
    let all = artifacts(rec);
    let artifact = all.iter().find(|a| a.id == artifact_id)?;
    let mut fields = summary(rec, artifact);
    let files = match artifact.holds {
        Holds::Recording(r) => vec![object(
            vec![
                ("fileId", json!(artifact.id)),
                ("url", json!(r.url)),
                ("startTimestamp", json!(r.start_timestamp)),
                ("duration", json!(r.duration)),
            ],
            false,
        )],
        Holds::Transcript => {
            let messages = rec.messages.iter().map(render_message).collect();
            fields.push(("transcript", Value::Array(messages)));
            Vec::new()
        }
        Holds::Binary(b) => vec![object(
            vec![
                ("fileId", json!(b.content_id)),
                ("filename", json!(b.name)),
                ("contentType", json!(b.mime)),
                ("size", json!(b.size)),
                ("sha256", json!(b.sha256)),
                ("url", json!(content_url(&b.content_id))),
            ],
            false,
        )],
    };
    fields.push(("files", Value::Array(files)));
    Some(object(fields, true))
}

/// The record's notes, oldest first; `contents` keeps each note's text.
pub fn render_notes(rec: &Interaction, contents: bool) -> Value {
    let results = rec
        .notes
        .iter()
        .map(|n| {
            let mut note = render_note(n);
            if let (false, Some(fields)) = (contents, note.as_object_mut()) {
                fields.remove("text");
            }
            note
        })
        .collect();
    envelope(rec, results)
}

#[cfg(test)]
mod tests {
    use interlog_core::record::{Message, Note, Participant};
    use interlog_core::{InteractionId, Seconds, TenantId, Timestamp};

    use super::*;

    fn at(ms: i64) -> Timestamp {
        Timestamp::from_millis(1_717_423_200_000 + ms)
    }

    fn record() -> Interaction {
        let mut rec = Interaction::new(
            TenantId::parse("acme").unwrap(),
            InteractionId::parse("x1").unwrap(),
            at(0),
        );
        rec.recordings.push(Recording {
            url: "https://rec.example/x1.wav".into(),
            start_timestamp: Some(at(1_000)),
            duration: Some(Seconds::from_millis(61_500)),
        });
        rec.messages.push(Message {
            message_id: "m1".into(),
            timestamp: at(2_000),
            participant: Participant::Customer,
            text: "hello".into(),
            channel: None,
            agent: None,
            sentiment: None,
            intent: None,
            intent_confidence: None,
            intent_is_fallback: None,
            source_system: None,
            recording_index: None,
            message_index: None,
            start_offset: None,
            end_offset: None,
            transcription_type: None,
        });
        rec.content.binaries.push(Binary {
            content_id: "photo-1".into(),
            kind: BinaryKind::Photo,
            mime: "image/png".into(),
            name: Some("card.png".into()),
            size: 3,
            sha256: "abc".into(),
        });
        rec.notes.push(Note {
            note_id: "n1".into(),
            text: "called back".into(),
            agent_id: None,
            timestamp: at(3_000),
        });
        rec
    }

    fn url(id: &str) -> String {
        format!("https://h/api/v1/tenants/acme/interactions/x1/content/{id}")
    }

    #[test]
    fn the_list_names_every_recording_transcript_and_binary() {
        let list = render_artifact_list(&record());
        assert_eq!(
            list,
            json!({"tenantId": "acme", "interactionId": "x1", "total": 3, "results": [
                {"artifactId": "recording-0", "artifactType": "audio-recording",
                 "interactionId": "x1", "tenantId": "acme", "created": "2024-06-03T14:00:01.000Z"},
                {"artifactId": "messaging-transcript", "artifactType": "messaging-transcript",
                 "interactionId": "x1", "tenantId": "acme", "created": "2024-06-03T14:00:02.000Z"},
                {"artifactId": "content-photo-1", "artifactType": "attachment",
                 "interactionId": "x1", "tenantId": "acme"},
            ]})
        );
    }

    #[test]
    fn one_artifact_carries_its_files_or_its_transcript() {
        let rec = record();
        let recording = render_artifact(&rec, "recording-0", url).unwrap();
        assert_eq!(
            recording["files"],
            json!([{"fileId": "recording-0", "url": "https://rec.example/x1.wav",
                    "startTimestamp": "2024-06-03T14:00:01.000Z", "duration": 61.5}])
        );
        let photo = render_artifact(&rec, "content-photo-1", url).unwrap();
        assert_eq!(
            photo["files"],
            json!([{"fileId": "photo-1", "filename": "card.png", "contentType": "image/png",
                    "size": 3, "sha256": "abc", "url": url("photo-1")}])
        );
        assert_eq!(photo["created"], Value::Null, "kept, as null");
        let transcript = render_artifact(&rec, "messaging-transcript", url).unwrap();
        assert_eq!(transcript["files"], json!([]));
        assert_eq!(transcript["transcript"][0]["text"], "hello");
        assert_eq!(render_artifact(&rec, "recording-1", url), None);
    }

    #[test]
    fn notes_carry_their_text_only_when_asked() {
        let rec = record();
        let note = json!({"noteId": "n1", "timestamp": "2024-06-03T14:00:03.000Z"});
        assert_eq!(render_notes(&rec, false)["results"], json!([note]));
        let mut with_text = note;
        with_text["text"] = json!("called back");
        assert_eq!(render_notes(&rec, true)["results"], json!([with_text]));
        assert_eq!(render_notes(&rec, true)["total"], json!(1));
    }
}
