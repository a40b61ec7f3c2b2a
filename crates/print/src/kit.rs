//! The social kit's archive: one ZIP with the cards (stored: PNG is already compressed) and
//! the texts (deflated).

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::Error;

/// A file of the archive.
pub struct Entry {
    pub name: String,
    pub data: Vec<u8>,
}

impl Entry {
    pub fn new(name: impl Into<String>, data: impl Into<Vec<u8>>) -> Self {
        Self {
            name: name.into(),
            data: data.into(),
        }
    }
}

/// The archive of `entries`, every file dated `date` (year, month, day, hour, minute).
pub fn zip(entries: &[Entry], date: (u16, u8, u8, u8, u8)) -> Result<Vec<u8>, Error> {
    let bad = |e: zip::result::ZipError| Error::Zip(e.to_string());
    let when =
        DateTime::from_date_and_time(date.0, date.1, date.2, date.3, date.4, 0).unwrap_or_default();
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    for e in entries {
        let method = if e.name.ends_with(".png") {
            CompressionMethod::Stored
        } else {
            CompressionMethod::Deflated
        };
        let options = SimpleFileOptions::default()
            .compression_method(method)
            .last_modified_time(when);
        writer.start_file(e.name.as_str(), options).map_err(bad)?;
        writer
            .write_all(&e.data)
            .map_err(|e| Error::Zip(e.to_string()))?;
    }
    Ok(writer.finish().map_err(bad)?.into_inner())
}
