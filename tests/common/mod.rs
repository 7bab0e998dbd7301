//! Shared helpers for the integration tests, native and WASM alike. Test inputs are real photos
//! (`tests/data/`) and controlled variants made from them here.
#![allow(dead_code)]

use image::RgbImage;

pub const GRACE_JPG: &[u8] = include_bytes!("../data/grace_hopper.jpg");
pub const ASTRONAUT_PNG: &[u8] = include_bytes!("../data/astronaut.png");

pub fn grace() -> RgbImage {
    gradphoto::decode(GRACE_JPG, &Default::default())
        .unwrap()
        .image
}

pub fn astronaut() -> RgbImage {
    gradphoto::decode(ASTRONAUT_PNG, &Default::default())
        .unwrap()
        .image
}

/// The report of the default preset's checks on a photo.
pub fn report_of(photo: &gradphoto::Photo) -> gradphoto::checks::Report {
    let analysis = analyzer().analyze(&photo.image).unwrap();
    gradphoto::check(
        photo,
        &analysis,
        &gradphoto::Preset::builtin("chsi-graduation").unwrap(),
    )
    .unwrap()
}

pub fn report(img: &RgbImage) -> gradphoto::checks::Report {
    report_of(&gradphoto::Photo::from_rgb(img.clone()))
}

pub fn rule(r: &gradphoto::checks::Report, id: &str) -> (gradphoto::checks::Status, f64) {
    let rule = r.rule(id).unwrap_or_else(|| panic!("no rule {id}"));
    (rule.status, rule.measured.unwrap_or(f64::NAN))
}

/// The status and measured value of rule `id` in the CHSI check report of `img`.
pub fn status(img: &RgbImage, id: &str) -> (gradphoto::checks::Status, f64) {
    rule(&report(img), id)
}

pub fn map(img: &RgbImage, mut f: impl FnMut(u32, u32, [u8; 3]) -> [u8; 3]) -> RgbImage {
    RgbImage::from_fn(img.width(), img.height(), |x, y| {
        image::Rgb(f(x, y, img.get_pixel(x, y).0))
    })
}

pub fn scale_px(p: [u8; 3], k: f32) -> [u8; 3] {
    p.map(|c| (f32::from(c) * k).round().clamp(0.0, 255.0) as u8)
}

/// A JPEG of `image` at quality 90 with a raw EXIF block attached.
pub fn jpeg_with_exif(image: &RgbImage, exif: Option<Vec<u8>>) -> Vec<u8> {
    use image::ImageEncoder;
    let mut out = Vec::new();
    let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90);
    if let Some(exif) = exif {
        enc.set_exif_metadata(exif).unwrap();
    }
    enc.write_image(
        image.as_raw(),
        image.width(),
        image.height(),
        image::ExtendedColorType::Rgb8,
    )
    .unwrap();
    out
}

pub fn png(image: &image::DynamicImage) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// One EXIF field for [`tiff_exif`].
pub enum Field {
    Short(u16, u16),
    Ascii(u16, &'static str),
    Rational(u16, u32, u32),
}

/// A minimal little-endian TIFF/EXIF block: IFD0 with the given fields, plus an Exif sub-IFD for
/// `exif_fields` (where LensModel and FocalLength live in real files).
pub fn tiff_exif(ifd0: &[Field], exif_fields: &[Field]) -> Vec<u8> {
    fn ifd(fields: &[Field], start: u32, extra_pointer: Option<(u16, u32)>) -> (Vec<u8>, Vec<u8>) {
        let count = fields.len() + usize::from(extra_pointer.is_some());
        let data_start = start + 2 + 12 * count as u32 + 4;
        let mut table = (count as u16).to_le_bytes().to_vec();
        let mut data = Vec::new();
        let mut entries: Vec<(u16, u16, u32, [u8; 4])> = Vec::new();
        for f in fields {
            match f {
                Field::Short(tag, v) => {
                    let mut val = [0u8; 4];
                    val[..2].copy_from_slice(&v.to_le_bytes());
                    entries.push((*tag, 3, 1, val));
                }
                Field::Ascii(tag, s) => {
                    let mut bytes = s.as_bytes().to_vec();
                    bytes.push(0);
                    let off = data_start + data.len() as u32;
                    entries.push((*tag, 2, bytes.len() as u32, off.to_le_bytes()));
                    data.extend_from_slice(&bytes);
                    if data.len() % 2 == 1 {
                        data.push(0);
                    }
                }
                Field::Rational(tag, n, d) => {
                    let off = data_start + data.len() as u32;
                    entries.push((*tag, 5, 1, off.to_le_bytes()));
                    data.extend_from_slice(&n.to_le_bytes());
                    data.extend_from_slice(&d.to_le_bytes());
                }
            }
        }
        if let Some((tag, offset)) = extra_pointer {
            entries.push((tag, 4, 1, offset.to_le_bytes()));
        }
        entries.sort_by_key(|e| e.0);
        for (tag, typ, n, val) in entries {
            table.extend_from_slice(&tag.to_le_bytes());
            table.extend_from_slice(&typ.to_le_bytes());
            table.extend_from_slice(&n.to_le_bytes());
            table.extend_from_slice(&val);
        }
        table.extend_from_slice(&0u32.to_le_bytes());
        (table, data)
    }
    let mut out = b"II*\0".to_vec();
    out.extend_from_slice(&8u32.to_le_bytes());
    // Lay out IFD0 first to learn where the Exif IFD goes.
    let has_exif = !exif_fields.is_empty();
    let (t0, d0) = ifd(ifd0, 8, has_exif.then_some((0x8769, 0)));
    let exif_start = 8 + (t0.len() + d0.len()) as u32;
    let (t0, d0) = ifd(ifd0, 8, has_exif.then_some((0x8769, exif_start)));
    out.extend_from_slice(&t0);
    out.extend_from_slice(&d0);
    if has_exif {
        let (t1, d1) = ifd(exif_fields, exif_start, None);
        out.extend_from_slice(&t1);
        out.extend_from_slice(&d1);
    }
    out
}

/// PNG bytes with the IHDR width/height rewritten (CRC fixed), for header-only attacks.
pub fn png_with_header_size(png: &[u8], width: u32, height: u32) -> Vec<u8> {
    let mut out = png.to_vec();
    out[16..20].copy_from_slice(&width.to_be_bytes());
    out[20..24].copy_from_slice(&height.to_be_bytes());
    let crc = crc32(&out[12..29]);
    out[29..33].copy_from_slice(&crc.to_be_bytes());
    out
}

/// JPEG bytes with the first frame header's height/width (and optionally component count)
/// rewritten.
pub fn jpeg_with_frame(
    jpeg: &[u8],
    width: Option<u16>,
    height: Option<u16>,
    components: Option<u8>,
) -> Vec<u8> {
    let mut out = jpeg.to_vec();
    let mut i = 2;
    while i + 4 < out.len() {
        let marker = out[i + 1];
        let len = u16::from_be_bytes([out[i + 2], out[i + 3]]) as usize;
        if (0xC0..=0xC2).contains(&marker) {
            if let Some(h) = height {
                out[i + 5..i + 7].copy_from_slice(&h.to_be_bytes());
            }
            if let Some(w) = width {
                out[i + 7..i + 9].copy_from_slice(&w.to_be_bytes());
            }
            if let Some(c) = components {
                out[i + 9] = c;
            }
            return out;
        }
        i += 2 + len;
    }
    panic!("no SOF in test JPEG");
}

/// PNG bytes with an `acTL` chunk (animation control: 2 frames) inserted after IHDR, which is
/// what makes a PNG an APNG.
pub fn png_with_actl(png: &[u8]) -> Vec<u8> {
    let mut chunk = b"acTL".to_vec();
    chunk.extend_from_slice(&2u32.to_be_bytes());
    chunk.extend_from_slice(&0u32.to_be_bytes());
    let mut out = png[..33].to_vec(); // signature + IHDR
    out.extend_from_slice(&8u32.to_be_bytes());
    out.extend_from_slice(&chunk);
    out.extend_from_slice(&crc32(&chunk).to_be_bytes());
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

/// Read the JFIF density unit and X/Y density of an encoded JPEG.
pub fn jfif_density(jpeg: &[u8]) -> Option<(u8, u16, u16)> {
    let app0 = jpeg.get(2..20)?;
    if app0[0..2] != [0xFF, 0xE0] || &app0[4..9] != b"JFIF\0" {
        return None;
    }
    Some((
        app0[11],
        u16::from_be_bytes([app0[12], app0[13]]),
        u16::from_be_bytes([app0[14], app0[15]]),
    ))
}

/// The analyzer with the committed models, built once per test binary.
pub fn analyzer() -> &'static gradphoto::Analyzer {
    static ANALYZER: std::sync::OnceLock<gradphoto::Analyzer> = std::sync::OnceLock::new();
    ANALYZER.get_or_init(|| gradphoto::Analyzer::new(models()).unwrap())
}

/// The committed models' bytes.
pub fn models() -> gradphoto::ModelBytes {
    gradphoto::ModelBytes {
        detector: include_bytes!("../../models/face_detection_short_range_w16.onnx").to_vec(),
        landmarks: include_bytes!("../../models/face_landmark_w16.onnx").to_vec(),
        segmenter: include_bytes!("../../models/selfie_segmentation_fixed_w16.onnx").to_vec(),
        detector_full_range: Some(
            include_bytes!("../../models/face_detection_full_range_w16.onnx").to_vec(),
        ),
        iris: Some(include_bytes!("../../models/iris_landmark_w16.onnx").to_vec()),
        expression: Some(include_bytes!("../../models/expression_fer.onnx").to_vec()),
    }
}

/// Rotate the picture content counter-clockwise (as seen) by `degrees` about the image centre,
/// same canvas size, bilinear, with uncovered corners filled by the nearest edge pixel.
pub fn rotate(img: &RgbImage, degrees: f32) -> RgbImage {
    let (w, h) = (img.width() as f32, img.height() as f32);
    let (cx, cy) = (w / 2.0, h / 2.0);
    let (s, c) = degrees.to_radians().sin_cos();
    RgbImage::from_fn(img.width(), img.height(), |x, y| {
        let (dx, dy) = (x as f32 + 0.5 - cx, y as f32 + 0.5 - cy);
        // Inverse of a counter-clockwise turn on screen (y down): rotate the sample point clockwise.
        let sx = cx + c * dx - s * dy - 0.5;
        let sy = cy + s * dx + c * dy - 0.5;
        bilinear(img, sx, sy)
    })
}

/// Re-render the face turned about the horizontal axis by `degrees` (> 0 = face down), the way a
/// head nodding in front of the camera would look: the mesh's own 3-D points (`landmarks`, image
/// pixels with depth) are rotated about a pivot behind the face, and the picture is warped piece
/// by piece (triangles over the mesh, fixed anchors around the head) from the old points to the
/// new. Hair and cap beyond the anchors stay where they were, as a nod barely moves them.
pub fn turn_head(img: &RgbImage, landmarks: &[[f32; 3]], degrees: f32) -> RgbImage {
    use delaunator::{triangulate, Point};
    let n = landmarks.len() as f32;
    let c = landmarks.iter().fold([0.0f32; 3], |a, p| {
        [a[0] + p[0] / n, a[1] + p[1] / n, a[2] + p[2] / n]
    });
    let (lo, hi) = landmarks.iter().fold((f32::MAX, f32::MIN), |(lo, hi), p| {
        (lo.min(p[0]), hi.max(p[0]))
    });
    let fw = hi - lo;
    // About the middle of the head: 0.6 face widths behind the mesh's centre (larger z = farther).
    let pivot = [c[1], c[2] + 0.6 * fw];
    let (s, k) = degrees.to_radians().sin_cos();
    let mut from: Vec<[f32; 2]> = landmarks.iter().map(|p| [p[0], p[1]]).collect();
    let mut to: Vec<[f32; 2]> = landmarks
        .iter()
        .map(|p| {
            let (y, z) = (p[1] - pivot[0], p[2] - pivot[1]);
            [p[0], pivot[0] + y * k - z * s]
        })
        .collect();
    let (w, h) = (img.width() as f32, img.height() as f32);
    let ring = (0..40).map(|i| {
        let a = i as f32 * std::f32::consts::TAU / 40.0;
        [c[0] + fw * a.cos(), c[1] + 1.2 * fw * a.sin()]
    });
    let corners = [
        [0.0, 0.0],
        [w - 1.0, 0.0],
        [0.0, h - 1.0],
        [w - 1.0, h - 1.0],
    ];
    for p in ring.chain(corners) {
        from.push(p);
        to.push(p);
    }
    let points: Vec<Point> = to
        .iter()
        .map(|p| Point {
            x: f64::from(p[0]),
            y: f64::from(p[1]),
        })
        .collect();
    let mut out = img.clone();
    for t in triangulate(&points).triangles.chunks_exact(3) {
        let (a, b, d) = (to[t[0]], to[t[1]], to[t[2]]);
        let det = (b[1] - d[1]) * (a[0] - d[0]) + (d[0] - b[0]) * (a[1] - d[1]);
        if det.abs() < 1e-6 {
            continue;
        }
        let x0 = a[0].min(b[0]).min(d[0]).floor().max(0.0) as u32;
        let x1 = a[0].max(b[0]).max(d[0]).ceil().min(w - 1.0) as u32;
        let y0 = a[1].min(b[1]).min(d[1]).floor().max(0.0) as u32;
        let y1 = a[1].max(b[1]).max(d[1]).ceil().min(h - 1.0) as u32;
        for y in y0..=y1 {
            for x in x0..=x1 {
                let (px, py) = (x as f32 + 0.5, y as f32 + 0.5);
                let l0 = ((b[1] - d[1]) * (px - d[0]) + (d[0] - b[0]) * (py - d[1])) / det;
                let l1 = ((d[1] - a[1]) * (px - d[0]) + (a[0] - d[0]) * (py - d[1])) / det;
                let l2 = 1.0 - l0 - l1;
                if l0 < -1e-4 || l1 < -1e-4 || l2 < -1e-4 {
                    continue;
                }
                let (fa, fb, fd) = (from[t[0]], from[t[1]], from[t[2]]);
                let sx = l0 * fa[0] + l1 * fb[0] + l2 * fd[0];
                let sy = l0 * fa[1] + l1 * fb[1] + l2 * fd[1];
                out.put_pixel(x, y, bilinear(img, sx - 0.5, sy - 0.5));
            }
        }
    }
    out
}

/// The picture at a fractional pixel position, clamped to its edges.
fn bilinear(img: &RgbImage, sx: f32, sy: f32) -> image::Rgb<u8> {
    let sx = sx.clamp(0.0, img.width() as f32 - 1.0);
    let sy = sy.clamp(0.0, img.height() as f32 - 1.0);
    let (x0, y0) = (sx.floor() as u32, sy.floor() as u32);
    let (x1, y1) = (
        (x0 + 1).min(img.width() - 1),
        (y0 + 1).min(img.height() - 1),
    );
    let (fx, fy) = (sx - x0 as f32, sy - y0 as f32);
    let p = |xx, yy| img.get_pixel(xx, yy).0.map(f32::from);
    let (a, b, cc, d) = (p(x0, y0), p(x1, y0), p(x0, y1), p(x1, y1));
    image::Rgb(std::array::from_fn(|i| {
        let top = a[i] + (b[i] - a[i]) * fx;
        let bottom = cc[i] + (d[i] - cc[i]) * fx;
        (top + (bottom - top) * fy).round() as u8
    }))
}

/// A real portrait from `../shared/portraits` (evaluation material, never copied into the
/// project), embedded at build time where that folder exists; `None`, after saying so, where it
/// does not.
#[macro_export]
macro_rules! portrait {
    ($file:literal) => {{
        #[cfg(portraits)]
        let photo = Some(
            gradphoto::decode(
                include_bytes!(concat!(env!("GRADPHOTO_PORTRAITS"), "/", $file)),
                &Default::default(),
            )
            .unwrap()
            .image,
        );
        #[cfg(not(portraits))]
        let photo: Option<image::RgbImage> = {
            println!(
                "skipped: {} needs ../shared/portraits, which is absent here",
                $file
            );
            None
        };
        photo
    }};
}

#[cfg(all(feature = "server", not(target_arch = "wasm32")))]
pub mod server;
