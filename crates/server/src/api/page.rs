//! What every native list shares: its page (`limit`, `cursor`) and what its items carry
//! (`include`).

use interlog_core::query::{Order, Position};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::params::Params;
use crate::error::ApiError;

/// `include=messages`: what a list item carries beyond the record's summary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Include {
    /// The transcript.
    Messages,
}

/// A page of a list, and what its items carry.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct PageParams {
    /// Page size, 1 to 1000; default 50.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1000)]
    pub limit: u32,
    /// The `nextCursor` of the previous page.
    #[param(value_type = Option<String>, min_length = 1)]
    pub cursor: Option<Position>,
    /// `messages` adds the transcript to each item.
    #[param(inline)]
    pub include: Option<Include>,
}

impl PageParams {
    /// Reads the page of a list in `order` (a cursor belongs to one order).
    pub(crate) fn parse(params: &mut Params, order: Order) -> Result<Self, ApiError> {
        Ok(Self {
            limit: params.page_limit()?,
            cursor: params.cursor(order)?,
            include: params.parsed("include", |raw| match raw {
                "messages" => Ok(Include::Messages),
                other => Err(format!(
                    "{other:?} cannot be included; the only choice is messages"
                )),
            })?,
        })
    }

    /// Whether items carry their transcript.
    pub(crate) fn with_messages(&self) -> bool {
        self.include == Some(Include::Messages)
    }
}
