//! Agent avatars: an image file, checked, then base64-encoded as the API wants it.

use std::path::Path;

use base64::Engine as _;

use crate::error::{Error, ErrorKind};

/// The largest avatar image accepted, before encoding (1 MiB). Fleek documents no limit;
/// the avatar travels base64-encoded (a third larger) inside every agent the API returns,
/// so a small image keeps every call small.
pub const MAX_AVATAR_BYTES: usize = 1024 * 1024;

/// An image type an avatar may have, recognised by its first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageType {
    /// PNG.
    Png,
    /// JPEG.
    Jpeg,
    /// GIF.
    Gif,
    /// WebP.
    WebP,
}

impl ImageType {
    /// The type of an image, from its signature.
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Self::Png)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Self::Jpeg)
        } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
            Some(Self::Gif)
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(Self::WebP)
        } else {
            None
        }
    }
}

/// A checked avatar image, ready to send.
///
/// ```
/// use fleek_api::{Avatar, ImageType};
///
/// let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
/// let avatar = Avatar::from_bytes(png)?;
/// assert_eq!(avatar.image_type(), ImageType::Png);
/// assert_eq!(avatar.base64(), "iVBORw0KGgoAAAANSUhEUg==");
/// assert!(Avatar::from_bytes(b"not an image".to_vec()).is_err());
/// # Ok::<(), fleek_api::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Avatar {
    image_type: ImageType,
    base64: String,
}

impl Avatar {
    /// Checks image bytes: at most [`MAX_AVATAR_BYTES`], and PNG, JPEG, GIF or WebP.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidArgument`] saying which check failed.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, Error> {
        if bytes.is_empty() {
            return Err(invalid("the image is empty".to_string()));
        }
        if bytes.len() > MAX_AVATAR_BYTES {
            return Err(invalid(format!(
                "the image is {} bytes, more than the {MAX_AVATAR_BYTES} allowed: resize it",
                bytes.len()
            )));
        }
        let image_type = ImageType::sniff(&bytes).ok_or_else(|| {
            invalid("the file is not a PNG, JPEG, GIF or WebP image: convert it".to_string())
        })?;
        Ok(Self {
            image_type,
            base64: base64::engine::general_purpose::STANDARD.encode(&bytes),
        })
    }

    /// Reads and checks an image file.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidArgument`] when the file cannot be read or fails a check.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        // Look at the size first: a huge file is refused without reading it.
        let size = std::fs::metadata(path)
            .map_err(|e| invalid(format!("cannot read {}: {e}", path.display())))?
            .len();
        if size > MAX_AVATAR_BYTES as u64 {
            return Err(invalid(format!(
                "{} is {size} bytes, more than the {MAX_AVATAR_BYTES} allowed: resize it",
                path.display()
            )));
        }
        let bytes = std::fs::read(path)
            .map_err(|e| invalid(format!("cannot read {}: {e}", path.display())))?;
        Self::from_bytes(bytes)
    }

    /// The image's type.
    pub fn image_type(&self) -> ImageType {
        self.image_type
    }

    /// The image, base64-encoded (standard alphabet, padded), as the API's `avatar` field.
    pub fn base64(&self) -> &str {
        &self.base64
    }
}

fn invalid(detail: String) -> Error {
    Error::new("avatar", ErrorKind::InvalidArgument, detail)
}
