//! Recognise a file's container from its first bytes, before any decoder sees it.
//!
//! The `image` crate guesses common formats too, but it does not know HEIC/AVIF (what iPhones save)
//! and it cannot tell CMYK or 12-bit JPEG apart before decoding; naming those precisely is what lets
//! us tell the user what to do.

/// What the first bytes say the file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniffed {
    Jpeg,
    Png,
    WebP,
    /// Recognised, but not something we decode; the name is shown to the user.
    Unsupported(&'static str),
    Unknown,
}

pub fn sniff(bytes: &[u8]) -> Sniffed {
    let starts = |sig: &[u8]| bytes.starts_with(sig);
    if starts(&[0xFF, 0xD8, 0xFF]) {
        Sniffed::Jpeg
    } else if starts(b"\x89PNG\r\n\x1a\n") {
        Sniffed::Png
    } else if starts(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        Sniffed::WebP
    } else if starts(b"GIF87a") || starts(b"GIF89a") {
        Sniffed::Unsupported("GIF")
    } else if starts(b"II*\0") || starts(b"MM\0*") {
        Sniffed::Unsupported("TIFF")
    } else if starts(b"BM") {
        Sniffed::Unsupported("BMP")
    } else if starts(b"%PDF") {
        Sniffed::Unsupported("PDF")
    } else if bytes.get(4..8) == Some(b"ftyp") {
        // ISO-BMFF: the major brand says which codec is inside.
        match bytes.get(8..12) {
            Some(b"avif") | Some(b"avis") => Sniffed::Unsupported("AVIF"),
            Some(b"heic") | Some(b"heix") | Some(b"hevc") | Some(b"heim") | Some(b"heis")
            | Some(b"mif1") | Some(b"msf1") => Sniffed::Unsupported("HEIC"),
            _ => Sniffed::Unsupported("MP4/QuickTime"),
        }
    } else {
        Sniffed::Unknown
    }
}

/// Width and height from a PNG's IHDR chunk, read before the decoder is built (on 32-bit targets
/// the decoder's own size arithmetic fails first on giant headers, with a less useful error).
pub fn png_dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    if bytes.get(12..16) != Some(b"IHDR") {
        return None;
    }
    let be = |at: usize| Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?));
    Some((be(16)?, be(20)?))
}

/// Header facts of a JPEG that the decoder would silently paper over: colour components and
/// sample precision from the first frame header, and whether an end-of-image marker follows the
/// first scan. The `image` crate decodes leniently, so a truncated file would otherwise come back
/// as a half-grey picture instead of an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JpegHeader {
    pub precision: u8,
    pub components: u8,
    pub complete: bool,
}

/// Walk the marker segments up to the first scan. `None` when the structure is broken before a
/// frame header and a scan were found.
pub fn jpeg_header(bytes: &[u8]) -> Option<JpegHeader> {
    let mut frame: Option<(u8, u8)> = None;
    let mut i = 2; // after SOI
    while i + 4 <= bytes.len() {
        if bytes[i] != 0xFF {
            return None;
        }
        let marker = bytes[i + 1];
        if marker == 0xFF {
            i += 1; // fill byte
            continue;
        }
        let len = usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
        if len < 2 {
            return None;
        }
        // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
        if (0xC0..=0xCF).contains(&marker)
            && !matches!(marker, 0xC4 | 0xC8 | 0xCC)
            && frame.is_none()
        {
            frame = Some((*bytes.get(i + 4)?, *bytes.get(i + 9)?));
        }
        if marker == 0xDA {
            let (precision, components) = frame?;
            // Inside entropy-coded data 0xFF is always followed by 0x00 or a restart marker, so
            // the first FF D9 after the scan header is the real end of image. Data appended after
            // it (some phones add a trailer) does not matter.
            let rest = bytes.get(i + 2 + len..).unwrap_or(&[]);
            let complete = rest.windows(2).any(|w| w == [0xFF, 0xD9]);
            return Some(JpegHeader {
                precision,
                components,
                complete,
            });
        }
        i += 2 + len;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_heic_and_avif_brands() {
        let mut heic = vec![0, 0, 0, 24];
        heic.extend_from_slice(b"ftypheic");
        assert_eq!(sniff(&heic), Sniffed::Unsupported("HEIC"));
        let mut avif = vec![0, 0, 0, 24];
        avif.extend_from_slice(b"ftypavif");
        assert_eq!(sniff(&avif), Sniffed::Unsupported("AVIF"));
        assert_eq!(sniff(b"GIF89a...."), Sniffed::Unsupported("GIF"));
        assert_eq!(sniff(b"hello"), Sniffed::Unknown);
    }

    #[test]
    fn jpeg_header_survives_truncation() {
        let data = [
            0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0, 1,
        ];
        for n in 0..data.len() {
            assert_eq!(jpeg_header(&data[..n]), None);
        }
    }
}
