//! A malformed-input corpus, generated here from the real test photos: truncations, bit flips,
//! tiny and giant images, decompression bombs, odd colour types, foreign signatures, absurd EXIF
//! and broken presets. For every case the library must return `Ok` (valid but odd input) or a
//! typed [`Error`] with a known code and messages in both languages — never panic (in WASM a
//! panic aborts the instance, which the harness reports).
//!
//! `tests/input.rs` covers the main cases one by one; this file sweeps many variants of each.
//! Runs natively (`cargo test --test corpus`) and in headless Chromium
//! (`cargo test --target wasm32-unknown-unknown --test corpus`), with fewer variants in WASM.

mod common;

use common::*;
use gradphoto::input::SourceFormat;
use gradphoto::{check, decode, Error, Limits, Photo, Preset};
use image::{DynamicImage, RgbImage};

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_dedicated_worker);

/// Every code a decode may fail with.
const DECODE_CODES: &[&str] = &[
    "input.empty",
    "input.too_many_bytes",
    "input.too_many_pixels",
    "input.zero_dimensions",
    "input.unsupported_format",
    "input.cmyk",
    "input.high_bit_depth",
    "input.animated",
    "input.corrupt",
];

/// How many pseudo-random variants a sweep makes: enough natively, fast in a browser.
const FLIPS: usize = if cfg!(target_arch = "wasm32") {
    40
} else {
    300
};

/// A small deterministic generator (xorshift64), so every run sees the same corpus.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The error is typed: a code from `allowed`, and non-empty messages in both languages.
fn assert_typed(e: &Error, allowed: &[&str], case: &str) {
    assert!(
        allowed.contains(&e.code()),
        "{case}: unexpected code {} ({e:?})",
        e.code()
    );
    assert!(
        !e.message_en().trim().is_empty(),
        "{case}: empty en message"
    );
    assert!(
        !e.message_zh().trim().is_empty(),
        "{case}: empty zh message"
    );
}

/// Decode and accept either a sane photo or a typed error from `allowed`.
fn decode_case(bytes: &[u8], limits: &Limits, allowed: &[&str], case: &str) -> Option<Photo> {
    match decode(bytes, limits) {
        Ok(p) => {
            let (w, h) = p.image.dimensions();
            assert!(w > 0 && h > 0, "{case}: empty image");
            assert_eq!((w, h), (p.info.width, p.info.height), "{case}");
            assert!(
                u64::from(p.info.stored_width) * u64::from(p.info.stored_height)
                    <= limits.max_pixels,
                "{case}: over the pixel cap"
            );
            Some(p)
        }
        Err(e) => {
            assert_typed(&e, allowed, case);
            None
        }
    }
}

/// Decode and require a typed error from `allowed`.
fn expect_err(bytes: &[u8], limits: &Limits, allowed: &[&str], case: &str) -> Error {
    match decode(bytes, limits) {
        Ok(p) => panic!("{case}: decoded {:?}, expected one of {allowed:?}", p.info),
        Err(e) => {
            assert_typed(&e, allowed, case);
            e
        }
    }
}

/// Analysis and checks on a decoded photo: a report or a typed error, never a panic.
fn analyse_and_check(photo: &Photo, case: &str) {
    let preset = Preset::builtin("chsi-graduation").unwrap();
    match analyzer().analyze(&photo.image) {
        Ok(analysis) => match check(photo, &analysis, &preset) {
            Ok(report) => assert!(!report.rules.is_empty(), "{case}: empty report"),
            Err(e) => assert_typed(&e, &["model.inference_failed", "encode.failed"], case),
        },
        Err(e) => assert_typed(&e, &["model.inference_failed", "model.not_loaded"], case),
    }
}

fn png_of(image: DynamicImage) -> Vec<u8> {
    png(&image)
}

fn small_grace(w: u32, h: u32) -> RgbImage {
    image::imageops::resize(&grace(), w, h, image::imageops::FilterType::Triangle)
}

/// A PNG with one extra chunk inserted right after IHDR (CRC computed).
fn png_with_chunk(png: &[u8], kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut body = kind.to_vec();
    body.extend_from_slice(data);
    let mut out = png[..33].to_vec();
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(&body);
    out.extend_from_slice(&crc32(&body).to_be_bytes());
    out.extend_from_slice(&png[33..]);
    out
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A little-endian TIFF block with one IFD of raw entries `(tag, type, count, value/offset)` and
/// `tail` appended after it (so offsets can point into it, or anywhere else).
fn raw_tiff(entries: &[(u16, u16, u32, u32)], next_ifd: u32, tail: &[u8]) -> Vec<u8> {
    let mut out = b"II*\0".to_vec();
    out.extend_from_slice(&8u32.to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    for &(tag, typ, count, value) in entries {
        out.extend_from_slice(&tag.to_le_bytes());
        out.extend_from_slice(&typ.to_le_bytes());
        out.extend_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&value.to_le_bytes());
    }
    out.extend_from_slice(&next_ifd.to_le_bytes());
    out.extend_from_slice(tail);
    out
}

/// Offset of the first byte after a raw_tiff IFD of `n` entries.
fn tail_offset(n: u32) -> u32 {
    8 + 2 + 12 * n + 4
}

fn jpeg_encoder_bytes(
    data: &[u8],
    w: u16,
    h: u16,
    colour: jpeg_encoder::ColorType,
    progressive: bool,
    restart: u16,
) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = jpeg_encoder::Encoder::new(&mut out, 85);
    enc.set_progressive(progressive);
    if restart > 0 {
        enc.set_restart_interval(restart);
    }
    enc.encode(data, w, h, colour).unwrap();
    out
}

/// Byte offset of the first SOFn marker of a JPEG.
fn sof_offset(jpeg: &[u8]) -> usize {
    let mut i = 2;
    while i + 4 < jpeg.len() {
        let marker = jpeg[i + 1];
        if (0xC0..=0xC2).contains(&marker) {
            return i;
        }
        i += 2 + usize::from(u16::from_be_bytes([jpeg[i + 2], jpeg[i + 3]]));
    }
    panic!("no SOF");
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn truncations_at_every_sixteenth_are_corrupt() {
    let limits = Limits::default();
    let png_lossy = png_of(DynamicImage::ImageRgb8(small_grace(64, 75)));
    let webp = {
        let mut out = std::io::Cursor::new(Vec::new());
        DynamicImage::ImageRgb8(small_grace(64, 75))
            .write_to(&mut out, image::ImageFormat::WebP)
            .unwrap();
        out.into_inner()
    };
    let files: [(&str, &[u8]); 4] = [
        ("jpg", GRACE_JPG),
        ("png", ASTRONAUT_PNG),
        ("small png", &png_lossy),
        ("webp", &webp),
    ];
    let mut n = 0;
    for (name, file) in files {
        assert!(decode(file, &limits).is_ok(), "{name} intact");
        let mut cuts: Vec<usize> = (0..16).map(|k| file.len() * k / 16).collect();
        cuts.extend(1..=40); // every cut inside the signature and first header
        cuts.extend([file.len() - 1, file.len() - 2, file.len() - 12]);
        for cut in cuts {
            let case = format!("{name} cut at {cut}/{}", file.len());
            let allowed: &[&str] = if cut == 0 {
                &["input.empty"]
            } else {
                &["input.corrupt", "input.unsupported_format"]
            };
            let tail_only = (name.ends_with("png") && cut >= file.len() - 12)
                || (name == "webp" && cut == file.len() - 1);
            if tail_only {
                // Only (part of) the PNG IEND chunk, or the WebP chunk's padding byte, is
                // missing: every pixel is there. Accepting it is fine; it must not panic.
                decode_case(&file[..cut], &limits, allowed, &case);
            } else {
                expect_err(&file[..cut], &limits, allowed, &case);
            }
            n += 1;
        }
    }
    assert!(n >= 4 * 59, "{n}");
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn bit_flips_give_photos_or_typed_errors() {
    let limits = Limits::default();
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let small_png = png_of(DynamicImage::ImageRgb8(small_grace(96, 112)));
    let files: [(&str, &[u8]); 3] = [
        ("jpg", GRACE_JPG),
        ("png", ASTRONAUT_PNG),
        ("small png", &small_png),
    ];
    for (name, file) in files {
        for k in 0..FLIPS {
            let mut bad = file.to_vec();
            // Half the variants hit the headers (first 1 KiB), where structure lives; the rest
            // anywhere. 1–4 bits each.
            let span = if k % 2 == 0 {
                bad.len().min(1024)
            } else {
                bad.len()
            };
            let flips = 1 + rng.below(4);
            let mut at = Vec::new();
            for _ in 0..flips {
                let i = rng.below(span);
                bad[i] ^= 1 << rng.below(8);
                at.push(i);
            }
            decode_case(
                &bad,
                &limits,
                DECODE_CODES,
                &format!("{name} flip {k} at {at:?}"),
            );
        }
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn byte_overwrites_in_headers_give_typed_errors() {
    // Whole bytes set to the values parsers trip on (0, 0xFF, 0x80, 0x7F), one header byte at a
    // time: lengths, dimensions, component counts, chunk types.
    let limits = Limits::default();
    let small_png = png_of(DynamicImage::ImageRgb8(small_grace(48, 56)));
    let small_jpg = jpeg_with_exif(&small_grace(48, 56), None);
    let step = if cfg!(target_arch = "wasm32") { 7 } else { 1 };
    for (name, file) in [("jpg", &small_jpg), ("png", &small_png)] {
        let header = file.len().min(if name == "jpg" { 700 } else { 120 });
        for i in (0..header).step_by(step) {
            for v in [0x00u8, 0xFF, 0x80, 0x7F] {
                let mut bad = file.clone();
                bad[i] = v;
                decode_case(
                    &bad,
                    &limits,
                    DECODE_CODES,
                    &format!("{name}[{i}] = {v:#x}"),
                );
            }
        }
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn empty_one_byte_and_bare_signatures() {
    let limits = Limits::default();
    expect_err(&[], &limits, &["input.empty"], "empty");
    for b in [0x00u8, 0xFF, 0x89, b'R', b'B', b'G', b'%', b'I'] {
        expect_err(
            &[b],
            &limits,
            &["input.unsupported_format"],
            &format!("one byte {b:#x}"),
        );
    }
    let bare: [(&str, &[u8]); 9] = [
        ("jpeg soi", b"\xFF\xD8\xFF"),
        ("jpeg soi+eoi", b"\xFF\xD8\xFF\xD9"),
        ("jpeg sos before sof", b"\xFF\xD8\xFF\xDA\x00\x02\xFF\xD9"),
        ("png sig", b"\x89PNG\r\n\x1a\n"),
        ("png sig + IHDR tag", b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR"),
        ("webp riff", b"RIFF\0\0\0\0WEBP"),
        ("webp vp8 empty", b"RIFF\x0c\0\0\0WEBPVP8 \0\0\0\0"),
        ("webp vp8l empty", b"RIFF\x0c\0\0\0WEBPVP8L\0\0\0\0"),
        (
            "webp riff huge",
            b"RIFF\xFF\xFF\xFF\xFFWEBPVP8X\xFF\xFF\xFF\xFF",
        ),
    ];
    for (case, bytes) in bare {
        expect_err(
            bytes,
            &limits,
            &["input.corrupt", "input.unsupported_format"],
            case,
        );
    }
    let zeros = vec![0u8; 4096];
    expect_err(&zeros, &limits, &["input.unsupported_format"], "zeros");
    let ones = vec![0xFFu8; 4096];
    expect_err(&ones, &limits, &["input.unsupported_format"], "0xFF fill");
    let mut jpeg_ff = vec![0xFF, 0xD8];
    jpeg_ff.extend(std::iter::repeat_n(0xFFu8, 4096));
    expect_err(&jpeg_ff, &limits, &["input.corrupt"], "jpeg of fill bytes");
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn foreign_signatures_are_named() {
    let limits = Limits::default();
    let mut cases: Vec<(&str, Vec<u8>)> = Vec::new();
    for (brand, name) in [
        (&b"heic"[..], "HEIC"),
        (b"heix", "HEIC"),
        (b"mif1", "HEIC"),
        (b"avif", "AVIF"),
        (b"avis", "AVIF"),
        (b"isom", "MP4/QuickTime"),
        (b"qt  ", "MP4/QuickTime"),
    ] {
        let mut f = vec![0, 0, 0, 0x18];
        f.extend_from_slice(b"ftyp");
        f.extend_from_slice(brand);
        f.extend_from_slice(&[0; 64]);
        cases.push((name, f));
    }
    cases.push((
        "GIF",
        b"GIF87a\x01\0\x01\0\x80\0\0\0\0\0\xff\xff\xff;".to_vec(),
    ));
    cases.push(("GIF", b"GIF89a\x01\0\x01\0\0\0\0;".to_vec()));
    cases.push(("BMP", {
        let mut b = b"BM".to_vec();
        b.extend_from_slice(&[0; 60]);
        b
    }));
    cases.push(("TIFF", tiff_exif(&[Field::Short(0x0112, 1)], &[])));
    cases.push(("TIFF", b"MM\0*\0\0\0\x08\0\0".to_vec()));
    cases.push(("PDF", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec()));
    for (name, bytes) in &cases {
        let e = expect_err(bytes, &limits, &["input.unsupported_format"], name);
        assert!(e.message_en().contains(name), "{name}: {}", e.message_en());
        assert!(e.message_zh().contains(name), "{name}: {}", e.message_zh());
    }
    for unknown in [
        &b"RIFF\0\0\0\0WAVEfmt "[..],
        b"<svg xmlns=",
        b"\0\0\0\x0cjP  \r\n",
    ] {
        expect_err(unknown, &limits, &["input.unsupported_format"], "unknown");
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn tiny_images_decode_and_check_without_panic() {
    let limits = Limits::default();
    let sizes: &[(u32, u32)] = &[(1, 1), (2, 3), (1, 600), (600, 1), (16, 16), (3, 1300)];
    for &(w, h) in sizes {
        let img = small_grace(w, h);
        for (kind, bytes) in [
            ("png", png_of(DynamicImage::ImageRgb8(img.clone()))),
            ("jpg", jpeg_with_exif(&img, None)),
        ] {
            let case = format!("{kind} {w}×{h}");
            let photo = decode(&bytes, &limits).unwrap_or_else(|e| panic!("{case}: {e:?}"));
            assert_eq!(photo.image.dimensions(), (w, h), "{case}");
            analyse_and_check(&photo, &case);
        }
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn giant_headers_are_refused() {
    let limits = Limits::default();
    let dims: &[(u32, u32)] = &[
        (65_535, 65_535),
        (0x7FFF_FFFF, 0x7FFF_FFFF),
        (u32::MAX, u32::MAX),
        (50_000_001, 1),
        (1, 50_000_001),
        (7072, 7072),
    ];
    for &(w, h) in dims {
        let bomb = png_with_header_size(ASTRONAUT_PNG, w, h);
        let e = expect_err(
            &bomb,
            &limits,
            &["input.too_many_pixels", "input.corrupt"],
            &format!("png {w}×{h}"),
        );
        if w <= 0x7FFF_FFFF && h <= 0x7FFF_FFFF {
            assert!(
                matches!(e, Error::TooManyPixels { .. }),
                "png {w}×{h}: {e:?}"
            );
        }
    }
    // A zero side (invalid PNG) and a header that is small but wrong for the data.
    for (w, h) in [(0, 0), (0, 5), (5, 0)] {
        let bad = png_with_header_size(ASTRONAUT_PNG, w, h);
        expect_err(
            &bad,
            &limits,
            &["input.zero_dimensions", "input.corrupt"],
            &format!("png {w}×{h}"),
        );
    }
    for (w, h) in [(65_535, 1), (1, 65_535), (513, 512), (2, 2)] {
        let bad = png_with_header_size(ASTRONAUT_PNG, w, h);
        decode_case(&bad, &limits, DECODE_CODES, &format!("png {w}×{h}"));
    }
    for (w, h) in [(65_535, 65_535), (65_535, 7_000), (10_000, 5_001)] {
        let bomb = jpeg_with_frame(GRACE_JPG, Some(w), Some(h), None);
        expect_err(
            &bomb,
            &limits,
            &["input.too_many_pixels"],
            &format!("jpg {w}×{h}"),
        );
    }
    for (w, h) in [(0, 600), (512, 0), (0, 0)] {
        let bad = jpeg_with_frame(GRACE_JPG, Some(w), Some(h), None);
        expect_err(
            &bad,
            &limits,
            &["input.zero_dimensions", "input.corrupt"],
            &format!("jpg {w}×{h}"),
        );
    }
    // Under the cap but not what the entropy data holds: a picture or a typed error.
    for (w, h) in [(65_535, 1), (1, 65_535), (513, 601), (8, 8), (4_000, 4_000)] {
        let odd = jpeg_with_frame(GRACE_JPG, Some(w), Some(h), None);
        decode_case(&odd, &limits, DECODE_CODES, &format!("jpg {w}×{h}"));
    }
}

/// A greyscale PNG of one flat value: deflate shrinks it about a thousandfold.
fn flat_grey_png(w: u32, h: u32) -> Vec<u8> {
    png_of(DynamicImage::ImageLuma8(image::GrayImage::from_pixel(
        w,
        h,
        image::Luma([200]),
    )))
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn decompression_bombs_scaled_to_the_limits() {
    // The same attack at a size the browser test can afford: a cap of 1 MP, a compressible image
    // just under it (decodes) and just over it (refused before the pixel buffer exists).
    let limits = Limits {
        max_pixels: 1_000_000,
        ..Limits::default()
    };
    let under = flat_grey_png(1000, 1000);
    assert!(under.len() < 20_000, "{} bytes", under.len());
    let p = decode(&under, &limits).unwrap();
    assert_eq!(p.image.dimensions(), (1000, 1000));
    assert_eq!(p.image.get_pixel(999, 999).0, [200; 3]);
    let over = flat_grey_png(1001, 1000);
    let e = expect_err(
        &over,
        &limits,
        &["input.too_many_pixels"],
        "1001×1000 over 1 MP",
    );
    assert!(matches!(
        e,
        Error::TooManyPixels {
            width: 1001,
            height: 1000,
            max_pixels: 1_000_000
        }
    ));
    // The JPEG route checks its header the same way.
    let jpg = jpeg_encoder_bytes(
        &vec![200u8; 1001 * 1000],
        1001,
        1000,
        jpeg_encoder::ColorType::Luma,
        false,
        0,
    );
    expect_err(&jpg, &limits, &["input.too_many_pixels"], "jpg over 1 MP");
    // And the byte cap.
    let tight = Limits {
        max_bytes: under.len() as u64 - 1,
        ..limits
    };
    expect_err(&under, &tight, &["input.too_many_bytes"], "bytes cap");
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn decompression_bombs_at_the_real_cap() {
    let limits = Limits::default();
    // 7071² = 49 999 041 pixels: just under 50 MP, a few tens of KB on disk. It decodes; the
    // limits are about refusing what we cannot afford, not what is merely big.
    let under = flat_grey_png(7071, 7071);
    assert!(under.len() < 400_000, "{} bytes", under.len());
    let p = decode(&under, &limits).unwrap();
    assert_eq!(p.image.dimensions(), (7071, 7071));
    drop(p);
    // RGBA pixels beyond the PNG decoder's 64 MiB metadata budget: the budget is not for pixels.
    let rgba = png_of(DynamicImage::ImageRgba8(image::RgbaImage::from_pixel(
        4200,
        4200,
        image::Rgba([10, 20, 30, 255]),
    )));
    let p = decode(&rgba, &limits).unwrap();
    assert_eq!(p.image.get_pixel(4199, 4199).0, [10, 20, 30]);
    drop(p);
    // 7072² = 50 013 184 pixels: refused from the header.
    let over = flat_grey_png(7072, 7072);
    let e = expect_err(&over, &limits, &["input.too_many_pixels"], "7072² png");
    assert!(matches!(e, Error::TooManyPixels { width: 7072, .. }));
    // A tiny file that claims just under the cap: the pixel data is missing, so it is corrupt.
    let claims = png_with_header_size(&flat_grey_png(64, 64), 7071, 7071);
    expect_err(
        &claims,
        &limits,
        &["input.corrupt"],
        "7071² header on 64² data",
    );
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn colour_types_and_bit_depths() {
    let limits = Limits::default();
    let g = DynamicImage::ImageRgb8(small_grace(128, 150));
    // 8-bit variants decode to RGB.
    for (name, img) in [
        ("L8", DynamicImage::ImageLuma8(g.to_luma8())),
        ("La8", DynamicImage::ImageLumaA8(g.to_luma_alpha8())),
        ("Rgba8", DynamicImage::ImageRgba8(g.to_rgba8())),
        ("Rgb8", g.clone()),
    ] {
        let p = decode(&png_of(img), &limits).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert_eq!(p.image.dimensions(), (128, 150), "{name}");
    }
    // 16-bit variants are refused by name.
    for (name, img) in [
        ("L16", DynamicImage::ImageLuma16(g.to_luma16())),
        ("La16", DynamicImage::ImageLumaA16(g.to_luma_alpha16())),
        ("Rgba16", DynamicImage::ImageRgba16(g.to_rgba16())),
    ] {
        let e = expect_err(&png_of(img), &limits, &["input.high_bit_depth"], name);
        assert!(matches!(e, Error::HighBitDepth { bits: 16 }), "{name}");
    }
    // Real CMYK and YCCK JPEGs (Adobe APP14), not just a patched component count.
    let rgb = small_grace(64, 64);
    let cmyk: Vec<u8> = rgb
        .pixels()
        .flat_map(|p| [255 - p.0[0], 255 - p.0[1], 255 - p.0[2], 0])
        .collect();
    for colour in [jpeg_encoder::ColorType::Cmyk, jpeg_encoder::ColorType::Ycck] {
        let jpg = jpeg_encoder_bytes(&cmyk, 64, 64, colour, false, 0);
        expect_err(&jpg, &limits, &["input.cmyk"], "cmyk jpeg");
    }
    // Greyscale, progressive and restart-interval JPEGs are ordinary photos.
    let luma = g.to_luma8();
    let grey = jpeg_encoder_bytes(
        luma.as_raw(),
        128,
        150,
        jpeg_encoder::ColorType::Luma,
        false,
        0,
    );
    let p = decode(&grey, &limits).unwrap();
    assert_eq!(p.info.format, SourceFormat::Jpeg);
    for (progressive, restart) in [(true, 0), (false, 3), (true, 1)] {
        let jpg = jpeg_encoder_bytes(
            g.to_rgb8().as_raw(),
            128,
            150,
            jpeg_encoder::ColorType::Rgb,
            progressive,
            restart,
        );
        let p = decode(&jpg, &limits)
            .unwrap_or_else(|e| panic!("progressive {progressive} restart {restart}: {e:?}"));
        assert_eq!(p.image.dimensions(), (128, 150));
    }
    // Odd precisions and component counts in the frame header.
    let base = jpeg_with_exif(&small_grace(64, 64), None);
    let sof = sof_offset(&base);
    for precision in [12u8, 16, 255] {
        let mut bad = base.clone();
        bad[sof + 4] = precision;
        let e = expect_err(&bad, &limits, &["input.high_bit_depth"], "precision");
        assert!(matches!(e, Error::HighBitDepth { bits } if bits == precision));
    }
    for precision in [0u8, 1, 7] {
        let mut bad = base.clone();
        bad[sof + 4] = precision;
        decode_case(
            &bad,
            &limits,
            DECODE_CODES,
            &format!("precision {precision}"),
        );
    }
    for components in [0u8, 2, 5, 255] {
        let bad = jpeg_with_frame(&base, None, None, Some(components));
        decode_case(
            &bad,
            &limits,
            DECODE_CODES,
            &format!("{components} components"),
        );
    }
}

/// A VP8X + ANIM + two ANMF frames WebP built around a still lossless WebP's VP8L chunk.
fn animated_webp(still: &[u8], w: u32, h: u32) -> Vec<u8> {
    let vp8l_at = still
        .windows(4)
        .position(|x| x == b"VP8L")
        .expect("lossless webp");
    let frame_chunk = &still[vp8l_at..];
    let u24 = |v: u32| v.to_le_bytes()[..3].to_vec();
    let chunk = |kind: &[u8], data: &[u8]| {
        let mut c = kind.to_vec();
        c.extend_from_slice(&(data.len() as u32).to_le_bytes());
        c.extend_from_slice(data);
        if data.len() % 2 == 1 {
            c.push(0);
        }
        c
    };
    let mut vp8x = vec![0x02, 0, 0, 0]; // animation flag
    vp8x.extend(u24(w - 1));
    vp8x.extend(u24(h - 1));
    let mut body = b"WEBP".to_vec();
    body.extend(chunk(b"VP8X", &vp8x));
    body.extend(chunk(b"ANIM", &[0, 0, 0, 0, 0, 0]));
    for _ in 0..2 {
        let mut anmf = Vec::new();
        anmf.extend(u24(0));
        anmf.extend(u24(0));
        anmf.extend(u24(w - 1));
        anmf.extend(u24(h - 1));
        anmf.extend(u24(100));
        anmf.push(0);
        anmf.extend_from_slice(frame_chunk);
        body.extend(chunk(b"ANMF", &anmf));
    }
    let mut out = b"RIFF".to_vec();
    out.extend_from_slice(&(body.len() as u32).to_le_bytes());
    out.extend(body);
    out
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn animations_are_refused() {
    let limits = Limits::default();
    let img = DynamicImage::ImageRgb8(small_grace(32, 40));
    let png = png_of(img.clone());
    expect_err(&png_with_actl(&png), &limits, &["input.animated"], "apng");
    // acTL claiming 0 or u32::MAX frames is invalid and ignored by the decoder (the still image
    // decodes); 1 or 2 frames are animation control, or a broken file.
    for frames in [0u32, 1, 2, u32::MAX] {
        let mut actl = frames.to_be_bytes().to_vec();
        actl.extend_from_slice(&0u32.to_be_bytes());
        let bad = png_with_chunk(&png, b"acTL", &actl);
        let case = format!("apng {frames} frames");
        if frames == 0 || frames == u32::MAX {
            decode_case(&bad, &limits, &["input.animated", "input.corrupt"], &case);
        } else {
            expect_err(&bad, &limits, &["input.animated", "input.corrupt"], &case);
        }
    }
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::WebP).unwrap();
    let still = out.into_inner();
    let p = decode(&still, &limits).unwrap();
    assert_eq!(
        (p.info.format, p.image.dimensions()),
        (SourceFormat::Webp, (32, 40))
    );
    let anim = animated_webp(&still, 32, 40);
    expect_err(&anim, &limits, &["input.animated"], "animated webp");
    // A VP8X canvas of 2^24 × 2^24: refused (by the cap or as corrupt), not allocated.
    let mut huge = anim.clone();
    let at = huge.windows(4).position(|x| x == b"VP8X").unwrap() + 8 + 4;
    huge[at..at + 6].copy_from_slice(&[0xFF; 6]);
    expect_err(
        &huge,
        &limits,
        &["input.animated", "input.corrupt", "input.too_many_pixels"],
        "huge animated webp",
    );
    huge[at - 4] = 0; // animation flag off: a still image with a giant canvas
    expect_err(
        &huge,
        &limits,
        &["input.corrupt", "input.too_many_pixels"],
        "huge still webp",
    );
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn absurd_exif_never_fails_the_photo() {
    let limits = Limits::default();
    let img = small_grace(40, 48);
    let mut blobs: Vec<(String, Vec<u8>)> = Vec::new();
    for o in [0u16, 9, 65_535, 8, 5] {
        blobs.push((
            format!("orientation {o}"),
            tiff_exif(&[Field::Short(0x0112, o)], &[]),
        ));
    }
    for (n, d) in [(1u32, 0u32), (0, 0), (u32::MAX, 1), (1, u32::MAX)] {
        blobs.push((
            format!("focal {n}/{d}"),
            tiff_exif(&[], &[Field::Rational(0x920A, n, d)]),
        ));
    }
    let t = tail_offset(1);
    // Negative rationals: FocalLength as SRATIONAL (type 10) −5/1 and 5/−1.
    for (n, d) in [(-5i32, 1i32), (5, -1), (i32::MIN, -1)] {
        let mut tail = n.to_le_bytes().to_vec();
        tail.extend_from_slice(&d.to_le_bytes());
        blobs.push((
            format!("srational {n}/{d}"),
            raw_tiff(&[(0x920A, 10, 1, t)], 0, &tail),
        ));
    }
    // Counts and offsets pointing outside the blob, wrapping, or at the header itself.
    for (tag, typ, count, value) in [
        (0x010F, 2, u32::MAX, 8),       // Make: 4 G ASCII
        (0x010F, 2, 1000, 0xFFFF_FF00), // offset past the end
        (0x0112, 3, u32::MAX, 0),       // Orientation with 4 G values
        (0x0112, 4, 1, 6),              // Orientation as LONG
        (0x0112, 9, 1, 0xFFFF_FFFF),    // Orientation as SLONG −1
        (0x920A, 5, 0x2000_0000, t),    // 512 M rationals
        (0x8769, 4, 1, 8),              // Exif IFD pointer back at IFD0 (a loop)
        (0x8769, 4, 1, 0xFFFF_FFF0),    // Exif IFD far outside
        (0x8825, 4, 1, 8),              // GPS IFD loop
        (0xA005, 4, 1, 8),              // Interop IFD loop
        (0x0131, 99, 1, 0),             // unknown type
        (0x0131, 0, 0, 0),              // type 0, count 0
    ] {
        blobs.push((
            format!("entry {tag:#x} type {typ} count {count} value {value:#x}"),
            raw_tiff(&[(tag, typ, count, value)], 0, &[0; 16]),
        ));
    }
    // Next-IFD pointers that loop or escape, an IFD claiming 65535 entries, a bad byte order.
    blobs.push((
        "next ifd loop".into(),
        raw_tiff(&[(0x0112, 3, 1, 6)], 8, &[]),
    ));
    blobs.push((
        "next ifd far".into(),
        raw_tiff(&[(0x0112, 3, 1, 6)], u32::MAX, &[]),
    ));
    let mut many = raw_tiff(&[], 0, &[]);
    many[8..10].copy_from_slice(&u16::MAX.to_le_bytes());
    blobs.push(("65535 entries".into(), many));
    blobs.push(("bad order".into(), b"XX*\0\x08\0\0\0\0\0\0\0\0\0".to_vec()));
    blobs.push(("ifd0 far".into(), b"II*\0\xff\xff\xff\xff".to_vec()));
    blobs.push(("just a header".into(), b"II*\0".to_vec()));
    blobs.push(("empty".into(), Vec::new()));
    let big_ascii = "x".repeat(60_000);
    blobs.push((
        "60 kB make".into(),
        tiff_exif(
            &[Field::Ascii(0x010F, Box::leak(big_ascii.into_boxed_str()))],
            &[],
        ),
    ));

    let png = png_of(DynamicImage::ImageRgb8(img.clone()));
    for (case, blob) in &blobs {
        // In a JPEG APP1 (the image crate adds the "Exif\0\0" header) …
        let p = decode(&jpeg_with_exif(&img, Some(blob.clone())), &limits)
            .unwrap_or_else(|e| panic!("jpg {case}: {e:?}"));
        check_exif_sane(&p, case);
        // … and in a PNG eXIf chunk.
        match decode(&png_with_chunk(&png, b"eXIf", blob), &limits) {
            Ok(p) => check_exif_sane(&p, case),
            Err(e) => assert_typed(&e, &["input.corrupt"], &format!("png {case}")),
        }
    }
}

fn check_exif_sane(p: &Photo, case: &str) {
    assert!((1..=8).contains(&p.info.orientation), "{case}");
    let upright = if p.info.orientation >= 5 {
        (p.info.stored_height, p.info.stored_width)
    } else {
        (p.info.stored_width, p.info.stored_height)
    };
    assert_eq!(upright, p.image.dimensions(), "{case}");
    let e = &p.info.exif;
    if let Some(o) = e.orientation {
        assert!((1..=8).contains(&o), "{case}");
    }
    for text in [&e.make, &e.model, &e.lens_model, &e.software]
        .into_iter()
        .flatten()
    {
        assert!(
            text.len() <= 128 * 3,
            "{case}: {} bytes of text",
            text.len()
        );
    }
    if let Some(f) = e.focal_length_mm {
        assert!(f.is_finite() && f > 0.0, "{case}: focal {f}");
    }
}

/// The CHSI preset with one replacement applied (asserting it applied).
fn preset_with(from: &str, to: &str) -> String {
    let base = include_str!("../presets/chsi-graduation.json");
    assert!(base.contains(from), "{from} not in preset");
    base.replacen(from, to, 1)
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn broken_presets_are_invalid_preset_errors() {
    let mut cases: Vec<(String, String)> = Vec::new();
    for raw in [
        "",
        " ",
        "null",
        "true",
        "0",
        "[]",
        "{}",
        "{",
        "}",
        "\"chsi-graduation\"",
        "{\"id\": \"x\"}",
        "\u{feff}{}",
        "{\"id\": NaN}",
    ] {
        cases.push((format!("raw {raw:?}"), raw.to_string()));
    }
    let base = include_str!("../presets/chsi-graduation.json");
    cases.push(("truncated".into(), base[..base.len() / 2].to_string()));
    cases.push(("trailing junk".into(), format!("{base} {{}}")));
    cases.push(("nested 100k".into(), "[".repeat(100_000)));
    cases.push((
        "nested objects".into(),
        "{\"a\":".repeat(10_000) + &"}".repeat(10_000),
    ));
    let edits: &[(&str, &str)] = &[
        ("\"width\": 480", "\"width\": 0"),
        ("\"width\": 480", "\"width\": 100000"),
        ("\"height\": 640", "\"height\": 100000"),
        ("\"width\": 480", "\"width\": -480"),
        ("\"width\": 480", "\"width\": 4294967296"),
        ("\"width\": 480", "\"width\": 480.5"),
        ("\"width\": 480", "\"width\": \"480\""),
        ("\"width\": 480", "\"width\": null"),
        ("\"width\": 480", "\"width\": 1e999"),
        ("\"width\": 480", "\"width\": \"NaN\""),
        ("\"width\": 480", "\"width\": NaN"),
        ("\"width\": 480", "\"width\": Infinity"),
        ("\"dpi\": 300", "\"dpi\": 0"),
        ("\"dpi\": 300", "\"dpi\": 70000"),
        ("\"min_kb\": 20", "\"min_kb\": 50"),
        ("\"min_kb\": 20", "\"min_kb\": 40"),
        ("\"min_kb\": 20", "\"min_kb\": -1"),
        ("\"min_quality\": 60", "\"min_quality\": 0"),
        ("\"min_quality\": 60", "\"min_quality\": 101"),
        ("\"min_quality\": 60", "\"min_quality\": 200"),
        ("\"min_quality\": 60", "\"min_quality\": 256"),
        ("\"min_quality\": 60", "\"min_quality\": -60"),
        ("[200, 300]", "[300, 200]"),
        ("[200, 300]", "[-1, 300]"),
        ("[200, 300]", "[200, 100000]"),
        ("[200, 300]", "[200, 1e39]"),
        ("[200, 300]", "[200]"),
        ("[200, 300]", "[200, 300, 400]"),
        ("[200, 300]", "[\"NaN\", 300]"),
        ("#64C5FF", "#64C5FZ"),
        ("#64C5FF", "#64C5F"),
        ("#64C5FF", "#64C5FFF"),
        ("#64C5FF", ""),
        ("#64C5FF", "#"),
        ("#64C5FF", "#ä4C5F"),
        ("#64C5FF", "#64C5€"),
        ("#64C5FF", "#+1+2+3"),
        ("\"id\": \"chsi-graduation\"", "\"id\": \"\""),
        ("\"id\": \"chsi-graduation\"", "\"id\": \"   \""),
        ("\"id\": \"chsi-graduation\"", "\"id\": 7"),
        ("\"free_prechecks\"", "\"unexpected\""),
        ("\"output\": {", "\"output\": {\"extra\": 1, "),
        ("\"max_yaw_deg\":", "\"max_yaw_deg\": 1e39, \"x\":"),
        ("\"max_exposure_ev\": 0.5", "\"max_exposure_ev\": 1e39"),
        ("\"max_exposure_ev\": 0.5", "\"max_exposure_ev\": -0.5"),
        (
            "\"face_lightness\": [55, 80]",
            "\"face_lightness\": [80, 55]",
        ),
        (
            "\"face_lightness\": [55, 80]",
            "\"face_lightness\": [55, 1e39]",
        ),
        ("\"face_lightness\": [55, 80]", "\"face_lightness\": []"),
        ("\"max_white_balance\": 0.06", "\"max_white_balance\": 6"),
        ("\"neutral_chroma\": 10", "\"neutral_chroma\": -10"),
    ];
    for (from, to) in edits {
        cases.push((format!("{from} → {to}"), preset_with(from, to)));
    }
    for (from, to) in [
        ("max_yaw_deg", "-1"),
        ("max_pitch_deg", "91"),
        ("max_roll_deg", "1e39"),
    ] {
        let json = {
            let v: serde_json::Value = serde_json::from_str(base).unwrap();
            let mut v = v;
            v["pose"][from] = serde_json::from_str(to).unwrap();
            v.to_string()
        };
        cases.push((format!("pose.{from} = {to}"), json));
    }
    for tolerance in ["-1", "-0.001"] {
        let mut v: serde_json::Value = serde_json::from_str(base).unwrap();
        v["checks"]["pose.pitch"] = serde_json::from_str(&format!(
            r#"{{"min": -5, "max": 5, "tolerance": {tolerance}}}"#
        ))
        .unwrap();
        cases.push((format!("pose.pitch tolerance {tolerance}"), v.to_string()));
    }
    let n = cases.len();
    for (case, json) in cases {
        match Preset::from_json(&json) {
            Err(e @ Error::InvalidPreset { .. }) => assert_typed(&e, &["preset.invalid"], &case),
            other => panic!("{case}: expected InvalidPreset, got {other:?}"),
        }
    }
    assert!(n >= 60, "{n}");
    assert!(Preset::builtin("").is_err());
    let long_id = "x".repeat(100_000);
    match Preset::builtin(&long_id) {
        Err(e @ Error::UnknownPreset { .. }) => {
            assert_typed(&e, &["preset.unknown"], "long id");
            assert!(e.message_en().len() < 1000);
        }
        other => panic!("{other:?}"),
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn extreme_but_valid_presets_still_check() {
    // Limits of validation (16×4096 output, ranges at the edges, threshold overrides inverted
    // or far out): accepted, and `check` still reports.
    let photo = decode(GRACE_JPG, &Limits::default()).unwrap();
    let analysis = analyzer().analyze(&photo.image).unwrap();
    let base: serde_json::Value =
        serde_json::from_str(include_str!("../presets/chsi-graduation.json")).unwrap();
    let mut variants = Vec::new();
    let mut v = base.clone();
    v["output"]["width"] = 16.into();
    v["output"]["height"] = 4096.into();
    v["geometry"]["crown_px"] = serde_json::json!([0, 0]);
    v["geometry"]["face_width_px"] = serde_json::json!([16, 16]);
    variants.push(("16×4096", v));
    let mut v = base.clone();
    v["output"]["width"] = 4096.into();
    v["output"]["height"] = 16.into();
    v["geometry"]["crown_px"] = serde_json::Value::Null;
    v["geometry"]["eye_line_px"] = serde_json::Value::Null;
    v["geometry"]["face_width_px"] = serde_json::Value::Null;
    v["output"]["min_kb"] = serde_json::Value::Null;
    v["output"]["max_kb"] = serde_json::Value::Null;
    variants.push(("4096×16 no geometry", v));
    let mut v = base.clone();
    v["checks"] = serde_json::json!({
        "image.sharpness": {"min": 1e300, "max": -1e300},
        "pose.yaw": {"min": 5, "max": 1},
        "no.such.rule": {"max": 0},
        "face.count": {}
    });
    v["pose"] = serde_json::json!({"max_yaw_deg": 0, "max_pitch_deg": 90, "max_roll_deg": 0});
    variants.push(("inverted thresholds", v));
    for (case, v) in variants {
        let preset = Preset::from_json(&v.to_string()).unwrap_or_else(|e| panic!("{case}: {e}"));
        match check(&photo, &analysis, &preset) {
            Ok(r) => assert!(!r.rules.is_empty(), "{case}"),
            Err(e) => assert_typed(&e, &["encode.failed", "model.inference_failed"], case),
        }
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn the_module_keeps_working_after_errors() {
    // One instance: a damaged file, a bomb, a bad preset, then the real photo.
    let limits = Limits::default();
    let mut corrupt = GRACE_JPG.to_vec();
    corrupt.truncate(GRACE_JPG.len() / 3);
    expect_err(&corrupt, &limits, &["input.corrupt"], "corrupt");
    let bomb = png_with_header_size(ASTRONAUT_PNG, 65_535, 65_535);
    expect_err(&bomb, &limits, &["input.too_many_pixels"], "bomb");
    let header_lie = png_with_header_size(ASTRONAUT_PNG, 4000, 4000);
    expect_err(&header_lie, &limits, &["input.corrupt"], "header lie");
    assert!(Preset::from_json("{").is_err());
    let photo = decode(GRACE_JPG, &limits).unwrap();
    assert_eq!(photo.image.dimensions(), (512, 600));
    let analysis = analyzer().analyze(&photo.image).unwrap();
    assert_eq!(analysis.faces.len(), 1);
    let report = check(
        &photo,
        &analysis,
        &Preset::builtin("chsi-graduation").unwrap(),
    )
    .unwrap();
    assert!(report.rule("face.count").is_some());
    let again = decode(ASTRONAUT_PNG, &limits).unwrap();
    assert_eq!(again.image.dimensions(), (512, 512));
}

/// Records the largest single allocation per thread, so one test can bound what it allocates
/// while others run in parallel.
struct Tracking;

thread_local! {
    static LARGEST: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

// SAFETY: forwards to the system allocator unchanged; the thread-local is a plain `Cell<usize>`
// with const initialisation, so recording a size never allocates.
unsafe impl std::alloc::GlobalAlloc for Tracking {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        let _ = LARGEST.try_with(|l| l.set(l.get().max(layout.size())));
        std::alloc::System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        std::alloc::System.dealloc(ptr, layout)
    }
    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        let _ = LARGEST.try_with(|l| l.set(l.get().max(layout.size())));
        std::alloc::System.alloc_zeroed(layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        let _ = LARGEST.try_with(|l| l.set(l.get().max(new_size)));
        std::alloc::System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static ALLOCATOR: Tracking = Tracking;

/// Run `f` and return its result with the largest single allocation it made on this thread.
fn largest_allocation_during<T>(f: impl FnOnce() -> T) -> (T, usize) {
    LARGEST.with(|l| l.set(0));
    let out = f();
    (out, LARGEST.with(|l| l.get()))
}

/// A zlib stream that inflates to about `pairs × 258` zero bytes: one fixed-Huffman block of a
/// literal 0 and then `pairs` copies of "length 258, distance 1" (13 bits each, ~160:1).
fn zlib_zero_bomb(pairs: usize) -> Vec<u8> {
    struct Bits {
        out: Vec<u8>,
        acc: u64,
        n: u32,
    }
    impl Bits {
        fn put(&mut self, value: u32, bits: u32) {
            self.acc |= u64::from(value) << self.n;
            self.n += bits;
            while self.n >= 8 {
                self.out.push(self.acc as u8);
                self.acc >>= 8;
                self.n -= 8;
            }
        }
        /// Huffman codes go most significant bit first.
        fn code(&mut self, code: u32, bits: u32) {
            self.put(code.reverse_bits() >> (32 - bits), bits);
        }
    }
    let mut b = Bits {
        out: vec![0x78, 0x01],
        acc: 0,
        n: 0,
    };
    b.put(1, 1); // BFINAL
    b.put(1, 2); // fixed Huffman
    b.code(0x30, 8); // literal 0
    for _ in 0..pairs {
        b.code(0xC5, 8); // length code 285 = 258
        b.code(0, 5); // distance code 0 = 1
    }
    b.code(0, 7); // end of block
    if b.n > 0 {
        b.put(0, 8 - b.n);
    }
    let total = 1 + 258 * pairs as u64;
    let adler = ((total % 65_521) << 16) as u32 | 1; // all zeros: a = 1, b = n
    b.out.extend_from_slice(&adler.to_be_bytes());
    b.out
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn metadata_bombs_are_refused() {
    // Regression: a ~1.7 MB PNG whose iCCP chunk inflates to 256 MiB made the png crate allocate
    // all of it (a 30 MB file could ask for ~5 GB, beyond what a browser tab can give). The PNG
    // decoder now has a 64 MiB budget for everything but pixels.
    let limits = Limits::default();
    let png = png_of(DynamicImage::ImageRgb8(small_grace(32, 32)));
    let mut iccp = b"icc\0\0".to_vec();
    iccp.extend(zlib_zero_bomb(1 << 20));
    assert!(iccp.len() < 2_000_000);
    let bomb = png_with_chunk(&png, b"iCCP", &iccp);
    // The png crate drops an iCCP chunk it cannot inflate within budget, so the photo decodes;
    // what matters is that the 256 MiB were never asked for.
    let (result, largest) = largest_allocation_during(|| decode(&bomb, &limits));
    let p = result.unwrap_or_else(|e| panic!("iCCP bomb: {e:?}"));
    assert_eq!(p.image.dimensions(), (32, 32));
    assert!(
        largest <= 80 << 20,
        "iCCP bomb: allocated {largest} bytes at once"
    );
    // A small real-looking profile is still fine, and so are compressed text chunks (the png
    // crate inflates those only on request).
    let mut small = b"icc\0\0".to_vec();
    small.extend(zlib_zero_bomb(100));
    decode_case(
        &png_with_chunk(&png, b"iCCP", &small),
        &limits,
        DECODE_CODES,
        "small iCCP",
    );
    let mut ztxt = b"Comment\0\0".to_vec();
    ztxt.extend(zlib_zero_bomb(1 << 20));
    let p = decode(&png_with_chunk(&png, b"zTXt", &ztxt), &limits).unwrap();
    assert_eq!(p.image.dimensions(), (32, 32));
}
