//! Reading an import file a record at a time, whatever its size: JSON documents one after
//! another (NDJSON, or concatenated as Kinesis Data Firehose writes them to S3), or a
//! top-level array (read whole: use NDJSON for large files); text formats line by line.
//! The bytes read so far are counted for the progress bar.

use std::io::{BufRead, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use serde_json::Value;

/// A reader that counts the bytes it has given.
pub struct Counted<R> {
    inner: R,
    read: Arc<AtomicU64>,
}

impl<R> Counted<R> {
    pub fn new(inner: R) -> (Self, Arc<AtomicU64>) {
        let read = Arc::new(AtomicU64::new(0));
        let counted = Self {
            inner,
            read: read.clone(),
        };
        (counted, read)
    }
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Counted<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        self.read.fetch_add(amt as u64, Ordering::Relaxed);
        self.inner.consume(amt);
    }
}

/// One record of the file: where it is (for the summary), and it or why it is unreadable.
pub struct Item<T> {
    pub place: String,
    pub value: Result<T, String>,
}

/// The file's lines (without their line breaks; bytes that are not UTF-8 replaced), blank
/// ones left out.
pub fn lines(reader: impl Read) -> impl Iterator<Item = Item<String>> {
    let reader = std::io::BufReader::with_capacity(1 << 16, reader);
    (reader.split(b'\n').enumerate())
        .map(|(n, line)| Item {
            place: format!("line {}", n + 1),
            value: (line.map(|bytes| String::from_utf8_lossy(&bytes).into_owned()))
                .map_err(|e| format!("cannot be read: {e}")),
        })
        .filter(|item| {
            item.value
                .as_ref()
                .map_or(true, |line| !line.trim().is_empty())
        })
}

/// The file's JSON records, one at a time: each document, or each item of a top-level
/// array. A syntax error ends the file (nothing after it can be found again): its item says
/// where.
pub fn json_items(reader: impl Read) -> impl Iterator<Item = Item<Value>> {
    let mut documents = serde_json::Deserializer::from_reader(reader).into_iter::<Value>();
    let mut pending: std::vec::IntoIter<Value> = Vec::new().into_iter();
    let (mut document, mut item, mut broken) = (0usize, 0usize, false);
    std::iter::from_fn(move || loop {
        if let Some(value) = pending.next() {
            item += 1;
            let place = format!("document {document}, item {item}");
            return Some(Item {
                place,
                value: Ok(value),
            });
        }
        if broken {
            return None;
        }
        document += 1;
        match documents.next()? {
            Ok(Value::Array(items)) => {
                (pending, item) = (items.into_iter(), 0);
            }
            Ok(value) => {
                let place = format!("document {document}");
                return Some(Item {
                    place,
                    value: Ok(value),
                });
            }
            Err(error) => {
                broken = true;
                let place = format!("line {}, column {}", error.line(), error.column());
                let value = Err(format!(
                    "not JSON ({error}); the rest of the file is not read"
                ));
                return Some(Item { place, value });
            }
        }
    })
}
