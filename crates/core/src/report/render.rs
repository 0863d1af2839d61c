//! A report as JSON and as CSV. Interval bounds are local times with the zone's offset
//! (`2026-03-29T00:00:00+01:00`); times are seconds with millisecond precision; a ratio or
//! an average over nothing is null (an empty CSV cell).

use chrono::{SecondsFormat, TimeZone as _};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use super::{Report, ReportRequest, ReportRow};
use crate::csv;
use crate::time::Timestamp;

/// A report with its request, serialized as the JSON the native API serves.
pub struct Rendered<'a> {
    pub request: &'a ReportRequest,
    pub report: &'a Report,
}

impl ReportRequest {
    /// An instant as a local time in the report's zone.
    pub fn local(&self, at: Timestamp) -> String {
        match self
            .plan
            .zone
            .tz()
            .timestamp_millis_opt(at.millis())
            .single()
        {
            Some(local) => local.to_rfc3339_opts(SecondsFormat::Secs, true),
            None => at.to_string(),
        }
    }

    /// Every interval's bounds as local times, computed once per report (a report by
    /// quarter hour and agent has thousands of rows for 96 intervals).
    fn bounds(&self) -> Vec<(String, String)> {
        (self.plan.intervals())
            .map(|(start, end)| (self.local(start), self.local(end)))
            .collect()
    }

    /// The report as CSV (RFC 4180: CRLF line ends, fields quoted where needed): interval
    /// bounds, the group dimensions, then one column per metric. A text cell that a
    /// spreadsheet would read as a formula (`=`, `+`, `-`, `@`) is prefixed with `'`.
    pub fn csv(&self, report: &Report) -> String {
        let mut header = vec!["intervalStart", "intervalEnd"];
        header.extend(self.group.iter().map(|d| d.as_str()));
        header.extend(self.metrics.iter().map(|m| m.name));
        let mut out = csv::line(header);
        let bounds = self.bounds();
        for row in &report.rows {
            let (start, end) = bounds[row.interval].clone();
            let mut fields = vec![start, end];
            fields.extend(row.group.iter().map(|v| csv::text(v)));
            fields.extend(self.metrics.iter().map(|m| {
                let value = serde_json::to_string(&m.value(&row.counts)).unwrap_or_default();
                if value == "null" {
                    String::new()
                } else {
                    value
                }
            }));
            out.push_str(&csv::line(fields));
        }
        out
    }
}

impl Rendered<'_> {
    /// The JSON, written into a buffer sized for the report up front: a day by quarter
    /// hour and agent is megabytes, and a buffer grown by doubling copies them over again.
    pub fn to_vec(&self) -> serde_json::Result<Vec<u8>> {
        // Two bounds of ~25 bytes with their names; a group value (~40) or a metric's
        // value (~16) with its name each.
        let group: usize = (self.request.group.iter())
            .map(|d| d.as_str().len() + 40)
            .sum();
        let metrics: usize = (self.request.metrics.iter())
            .map(|m| m.name.len() + 16)
            .sum();
        let per_row = 72 + group + metrics;
        let mut out = Vec::with_capacity(256 + per_row * self.report.rows.len());
        serde_json::to_writer(&mut out, self)?;
        Ok(out)
    }
}

impl Serialize for Rendered<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let request = self.request;
        let plan = &request.plan;
        let (from, _) = plan.intervals().next().expect("a plan has an interval");
        let (_, to) = plan.intervals().last().expect("a plan has an interval");
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("timeZone", plan.zone.name())?;
        map.serialize_entry("interval", plan.granularity.as_str())?;
        map.serialize_entry("from", &request.local(from))?;
        map.serialize_entry("to", &request.local(to))?;
        let group: Vec<&str> = request.group.iter().map(|d| d.as_str()).collect();
        map.serialize_entry("groupBy", &group)?;
        let metrics: Vec<&str> = request.metrics.iter().map(|m| m.name).collect();
        map.serialize_entry("metrics", &metrics)?;
        map.serialize_entry("rows", &Rows(self))?;
        map.end()
    }
}

struct Rows<'a>(&'a Rendered<'a>);

impl Serialize for Rows<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let Rendered { request, report } = self.0;
        let bounds = request.bounds();
        let mut seq = s.serialize_seq(Some(report.rows.len()))?;
        for row in &report.rows {
            let bounds = &bounds[row.interval];
            seq.serialize_element(&Row {
                request,
                row,
                bounds,
            })?;
        }
        seq.end()
    }
}

struct Row<'a> {
    request: &'a ReportRequest,
    row: &'a ReportRow,
    bounds: &'a (String, String),
}

impl Serialize for Row<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let Row {
            request,
            row,
            bounds: (start, end),
        } = self;
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("intervalStart", start)?;
        map.serialize_entry("intervalEnd", end)?;
        for (dimension, value) in request.group.iter().zip(&row.group) {
            let value = (!value.is_empty()).then_some(value);
            map.serialize_entry(dimension.as_str(), &value)?;
        }
        for metric in &request.metrics {
            map.serialize_entry(metric.name, &metric.value(&row.counts))?;
        }
        map.end()
    }
}
