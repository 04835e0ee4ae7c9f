//! Agent avatars: an image file, checked, then base64-encoded as the API wants it.

use std::path::{Path, PathBuf};

use base64::Engine as _;

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

/// Why an image cannot be an avatar.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AvatarError {
    /// The file could not be read; the I/O error is the [`source`](std::error::Error::source).
    #[error("cannot read the avatar {}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },
    /// The image has no bytes.
    #[error("the avatar image is empty")]
    Empty,
    /// The image is larger than [`MAX_AVATAR_BYTES`].
    #[error(
        "the avatar image is {size} bytes, more than the {MAX_AVATAR_BYTES} allowed: resize it"
    )]
    TooLarge {
        /// Its size in bytes.
        size: u64,
    },
    /// The image is not PNG, JPEG, GIF or WebP.
    #[error("the avatar is not a PNG, JPEG, GIF or WebP image: convert it")]
    UnknownFormat,
}

/// A checked avatar image, ready to send.
///
/// ```
/// use fleek_api::character::{Avatar, AvatarError, ImageType};
///
/// let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
/// let avatar = Avatar::from_bytes(png)?;
/// assert_eq!(avatar.image_type(), ImageType::Png);
/// assert_eq!(avatar.base64(), "iVBORw0KGgoAAAANSUhEUg==");
/// assert!(matches!(Avatar::from_bytes(b"not an image".to_vec()), Err(AvatarError::UnknownFormat)));
/// # Ok::<(), AvatarError>(())
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
    /// [`AvatarError::Empty`], [`AvatarError::TooLarge`] or [`AvatarError::UnknownFormat`].
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, AvatarError> {
        if bytes.is_empty() {
            return Err(AvatarError::Empty);
        }
        if bytes.len() > MAX_AVATAR_BYTES {
            return Err(AvatarError::TooLarge {
                size: bytes.len() as u64,
            });
        }
        let image_type = ImageType::sniff(&bytes).ok_or(AvatarError::UnknownFormat)?;
        Ok(Self {
            image_type,
            base64: base64::engine::general_purpose::STANDARD.encode(&bytes),
        })
    }

    /// Reads and checks an image file.
    ///
    /// # Errors
    /// [`AvatarError::Io`] when the file cannot be read, or a failed check as in
    /// [`from_bytes`](Self::from_bytes).
    pub fn from_path(path: impl AsRef<Path>) -> Result<Self, AvatarError> {
        let path = path.as_ref();
        let io = |source| AvatarError::Io {
            path: path.to_path_buf(),
            source,
        };
        // Look at the size first: a huge file is refused without reading it.
        let size = std::fs::metadata(path).map_err(io)?.len();
        if size > MAX_AVATAR_BYTES as u64 {
            return Err(AvatarError::TooLarge { size });
        }
        Self::from_bytes(std::fs::read(path).map_err(io)?)
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
