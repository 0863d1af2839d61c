//! Each message's arrival: the order in which the log first said its id. A message's place
//! in the transcript moves when an event arrives out of order (the transcript is in
//! timestamp order); its arrival never does, so a store can key what it keeps per message
//! (a search part) by arrival and leave it alone when the transcript is reordered.

use std::collections::HashMap;

use crate::event::{Event, EventBody};

/// Message ids by arrival.
#[derive(Clone, Debug, Default)]
pub(super) struct Arrivals {
    by_id: HashMap<String, u32>,
}

impl Arrivals {
    /// Numbers the ids `event` says that have none yet, after every id numbered so far.
    pub(super) fn note(&mut self, event: &Event) {
        match &event.body {
            EventBody::Message(m) => {
                let id = m.message_id.as_deref().unwrap_or(event.event_id.as_str());
                self.number(id);
            }
            EventBody::InteractionImported(import) => {
                for message in &import.record.messages {
                    self.number(&message.message_id);
                }
            }
            _ => {}
        }
    }

    fn number(&mut self, id: &str) {
        if !self.by_id.contains_key(id) {
            let next = self.by_id.len() as u32;
            self.by_id.insert(id.to_string(), next);
        }
    }

    /// The arrival of the message with `id` (0 for an id never said: none is in a
    /// transcript).
    pub(super) fn of(&self, id: &str) -> u32 {
        self.by_id.get(id).copied().unwrap_or_default()
    }
}
