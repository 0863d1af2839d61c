//! Segments: the legs of an interaction (initial, transfer, add-participant), opened and
//! closed by their events or by an implied closing.

use crate::event::{Event, SegmentEnded, SegmentOutcome, SegmentStarted};
use crate::record::{QueueExitType, Segment, SegmentEndType, SegmentStartType};
use crate::time::Timestamp;

use super::{close_queue, Fold};

impl Fold {
    /// The id of the segment new work belongs to: the latest open one (segment 0 is opened
    /// on demand when no `interaction-started` has been seen yet).
    pub(super) fn current_segment_id(&mut self) -> String {
        if self.rec.segments.is_empty() {
            let id = self.derived_id("segment", 0);
            let start = self.rec.start_timestamp;
            self.push_segment(id, SegmentStartType::Interaction, start, None);
        }
        let segments = &self.rec.segments;
        let current = segments
            .iter()
            .rev()
            .find(|s| s.end_timestamp.is_none())
            .unwrap_or(&segments[segments.len() - 1]);
        current.interaction_segment_id.clone()
    }

    pub(super) fn push_segment(
        &mut self,
        id: String,
        kind: SegmentStartType,
        at: Timestamp,
        from: Option<&SegmentStarted>,
    ) {
        self.rec.segments.push(Segment {
            segment_number: self.rec.segments.len() as u32,
            interaction_segment_id: id,
            segment_start_type: kind,
            start_timestamp: at,
            end_timestamp: None,
            segment_end_type: None,
            segment_cancelled: false,
            segment_agent_id: from.and_then(|s| s.agent_id.clone()),
            segment_to_agent_id: from.and_then(|s| s.to_agent_id.clone()),
            segment_to_queue_id: from.and_then(|s| s.to_queue_id.clone()),
            segment_time: None,
            segment_cancel_time: None,
        });
    }

    pub(super) fn start_segment(
        &mut self,
        kind: SegmentStartType,
        s: &SegmentStarted,
        at: Timestamp,
    ) {
        self.current_segment_id(); // segment 0 exists before any transfer
        let n = self.rec.segments.len();
        let id = s
            .segment_id
            .clone()
            .unwrap_or_else(|| self.derived_id("segment", n));
        self.push_segment(id, kind, at, Some(s));
        self.pending = Some(n);
    }

    pub(super) fn end_segment(
        &mut self,
        kind: SegmentStartType,
        s: &SegmentEnded,
        at: Timestamp,
        e: &Event,
    ) {
        let target = self
            .pending
            .filter(|&i| self.rec.segments[i].segment_start_type == kind);
        let Some(i) = target else {
            let message = format!("{} matches no pending {kind:?} segment", e.body.type_name());
            return self.flag("segment-end-without-start", message, e);
        };
        self.pending = None;
        match s.outcome {
            // A successful transfer hands the interaction over: the segments it left end.
            SegmentOutcome::Success if kind == SegmentStartType::Transfer => {
                for segment in self.rec.segments[..i]
                    .iter_mut()
                    .filter(|s| s.end_timestamp.is_none())
                {
                    close_segment(segment, at, SegmentEndType::Success);
                }
            }
            SegmentOutcome::Success => {}
            SegmentOutcome::Cancelled => {
                let id = self.rec.segments[i].interaction_segment_id.clone();
                close_segment(&mut self.rec.segments[i], at, SegmentEndType::Cancelled);
                if kind == SegmentStartType::AddParticipant {
                    for entry in self.rec.queues.iter_mut().filter(|q| {
                        q.end_timestamp.is_none()
                            && q.interaction_segment_id.as_deref() == Some(&id)
                    }) {
                        close_queue(entry, at, QueueExitType::AddParticipantCancel, None);
                    }
                }
            }
            SegmentOutcome::CustomerDisconnect => {
                close_segment(
                    &mut self.rec.segments[i],
                    at,
                    SegmentEndType::CustomerDisconnect,
                );
            }
        }
    }
}

pub(super) fn close_segment(segment: &mut Segment, at: Timestamp, end: SegmentEndType) {
    segment.end_timestamp = Some(at);
    segment.segment_end_type = Some(end);
    segment.segment_cancelled = matches!(
        end,
        SegmentEndType::Cancelled | SegmentEndType::CustomerDisconnect
    );
}
