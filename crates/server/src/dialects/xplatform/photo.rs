//! Photo paths as X-Platform clients send them, finding the photo a path names, and scaling
//! an image down to `maxSize`.

use std::io::Cursor;

use image::{ImageFormat, ImageReader};
use interlog_core::record::Interaction;

/// A photo path as it arrives in the URL: double URL-encoded (axum has decoded once), with
/// `@@@@@` standing for the dot before the extension (v7.0).
pub fn decode_path(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%' && i + 2 < bytes.len())
            .then(|| {
                raw.get(i + 1..i + 3)
                    .and_then(|hex| u8::from_str_radix(hex, 16).ok())
            })
            .flatten();
        match escaped {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).replace("@@@@@", ".")
}

/// The content id of the photo `path` names: a flow step's photo (by content id or by the
/// device path), else one of the interaction's binaries.
pub fn content_id(record: &Interaction, path: &str) -> Option<String> {
    let photo = record
        .flow_steps
        .iter()
        .flat_map(|step| &step.photos)
        .find(|p| p.content_id == path || p.path.as_deref() == Some(path));
    let binary = || {
        record
            .content
            .binaries
            .iter()
            .find(|b| b.content_id == path)
    };
    photo
        .map(|p| p.content_id.clone())
        .or_else(|| binary().map(|b| b.content_id.clone()))
}

/// Why an image could not be scaled.
#[derive(Debug, thiserror::Error)]
pub enum ScaleError {
    #[error("the stored photo is not a PNG or JPEG image")]
    Unsupported,
    #[error("the stored photo cannot be decoded: {0}")]
    Decode(String),
}

/// Scales `bytes` down so that the longer side is at most `max` pixels, keeping the format
/// (and keeping the bytes as they are when the image is already small enough).
pub fn scale_down(bytes: &[u8], max: u32) -> Result<Vec<u8>, ScaleError> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| ScaleError::Decode(e.to_string()))?;
    let format = reader.format().ok_or(ScaleError::Unsupported)?;
    if !matches!(format, ImageFormat::Png | ImageFormat::Jpeg) {
        return Err(ScaleError::Unsupported);
    }
    let image = reader
        .decode()
        .map_err(|e| ScaleError::Decode(e.to_string()))?;
    if image.width().max(image.height()) <= max {
        return Ok(bytes.to_vec());
    }
    let scaled = image.resize(max, max, image::imageops::FilterType::Triangle);
    let mut out = Cursor::new(Vec::new());
    scaled
        .write_to(&mut out, format)
        .map_err(|e| ScaleError::Decode(e.to_string()))?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_decoded_once_more_and_the_dot_restored() {
        assert_eq!(
            decode_path("%2Fmnt%2Fsdcard%2Fi1152998579@@@@@png"),
            "/mnt/sdcard/i1152998579.png"
        );
        assert_eq!(decode_path("photo-1"), "photo-1");
        assert_eq!(decode_path("100%"), "100%");
    }

    #[test]
    fn images_scale_to_the_longer_side_and_keep_their_format() {
        let image = image::RgbImage::from_pixel(400, 200, image::Rgb([200, 10, 10]));
        let mut png = Cursor::new(Vec::new());
        image.write_to(&mut png, ImageFormat::Png).unwrap();
        let scaled = scale_down(png.get_ref(), 100).unwrap();
        let decoded = image::load_from_memory_with_format(&scaled, ImageFormat::Png).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (100, 50));
        assert_eq!(
            scale_down(png.get_ref(), 1000).unwrap(),
            png.into_inner(),
            "small enough already"
        );
        assert!(matches!(
            scale_down(b"not an image", 10),
            Err(ScaleError::Unsupported | ScaleError::Decode(_))
        ));
    }
}
