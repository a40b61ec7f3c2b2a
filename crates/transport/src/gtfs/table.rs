//! One CSV file of a feed: its columns by name, its records with their line numbers, and
//! French messages pointing at them.

use std::collections::HashMap;

use super::{GtfsError, err};

/// One CSV file: its columns by name, and French messages pointing at its lines.
pub(super) struct Table<'a> {
    name: &'static str,
    reader: csv::Reader<&'a [u8]>,
    columns: HashMap<String, usize>,
}

impl<'a> Table<'a> {
    pub(super) fn open(name: &'static str, bytes: &'a [u8]) -> Result<Self, GtfsError> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(bytes);
        let headers = reader
            .headers()
            .map_err(|e| err(format!("{name} : première ligne illisible ({e}).")))?;
        let columns = headers
            .iter()
            .enumerate()
            .map(|(i, h)| (h.to_owned(), i))
            .collect();
        Ok(Self {
            name,
            reader,
            columns,
        })
    }

    pub(super) fn column(&self, col: &str) -> Result<usize, GtfsError> {
        self.columns.get(col).copied().ok_or_else(|| {
            err(format!(
                "{} : la colonne {col} manque (première ligne).",
                self.name
            ))
        })
    }

    pub(super) fn optional(&self, col: &str) -> Option<usize> {
        self.columns.get(col).copied()
    }

    /// Every record with its line number.
    pub(super) fn each(
        &mut self,
        mut f: impl FnMut(&csv::StringRecord, Line) -> Result<(), GtfsError>,
    ) -> Result<(), GtfsError> {
        let name = self.name;
        let mut record = csv::StringRecord::new();
        loop {
            match self.reader.read_record(&mut record) {
                Ok(false) => return Ok(()),
                Ok(true) => {
                    if record.iter().all(str::is_empty) {
                        continue;
                    }
                    let line = record.position().map_or(0, |p| p.line());
                    f(&record, Line { file: name, line })?;
                }
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line());
                    return Err(err(format!(
                        "{name}, ligne {line} : ligne illisible ({e})."
                    )));
                }
            }
        }
    }
}

#[derive(Clone, Copy)]
pub(super) struct Line {
    file: &'static str,
    line: u64,
}

impl Line {
    pub(super) fn fault(self, what: impl std::fmt::Display) -> GtfsError {
        err(format!("{}, ligne {} : {what}.", self.file, self.line))
    }

    pub(super) fn get<'r>(
        self,
        r: &'r csv::StringRecord,
        col: usize,
        name: &str,
    ) -> Result<&'r str, GtfsError> {
        match r.get(col) {
            Some(v) if !v.is_empty() => Ok(v),
            _ => Err(self.fault(format_args!("{name} est vide"))),
        }
    }
}

pub(super) fn opt(r: &csv::StringRecord, col: Option<usize>) -> &str {
    col.and_then(|c| r.get(c)).unwrap_or("")
}
